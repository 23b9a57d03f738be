// Kubernetes resource.Quantity on a 128-bit nano-unit integer.
//
// Mirrors k8s.io/apimachinery pkg/api/resource/quantity.go (parseQuantityString,
// ParseQuantity, CanonicalizeBytes, RoundUp), suffix.go (suffix tables,
// interpret), amount.go (AsCanonicalBytes, AsCanonicalBase1024Bytes) and
// scale_int.go (ScaledValue). Upstream keeps an int64 fast path and an inf.Dec
// slow path; both give the same values, which this file computes exactly in
// one pass with fixed-size integers.

#include "simcluster/quantity.h"

#include <fmt/format.h>

#include <array>
#include <limits>

namespace simcluster {
namespace {

__extension__ typedef unsigned __int128 UInt128;

constexpr UInt128 kNanoPerUnit = 1'000'000'000;
constexpr UInt128 kInt128Max = ~UInt128{0} >> 1;
// quantity.go maxAllowed: BinarySI magnitudes are clamped to 2^63-1 units.
constexpr UInt128 kBinaryCapNano =
    static_cast<UInt128>(std::numeric_limits<int64_t>::max()) * kNanoPerUnit;

UInt128 magnitude(Int128 v) { return v < 0 ? UInt128{0} - static_cast<UInt128>(v) : v; }

// 10^0 .. 10^18 in 64 bits.
constexpr std::array<uint64_t, 19> kPow10U64 = [] {
  std::array<uint64_t, 19> a{};
  uint64_t p = 1;
  for (uint64_t& x : a) {
    x = p;
    p *= 10;
  }
  return a;
}();

UInt128 pow10(int n) {  // REQUIRES: 0 <= n <= 38
  UInt128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

std::string u128_to_string(UInt128 v) {
  std::array<char, 40> buf{};
  size_t i = buf.size();
  do {
    buf[--i] = static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  } while (v != 0);
  return std::string(buf.data() + i, buf.size() - i);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

void set_why(std::string* why, std::string text) {
  if (why != nullptr) *why = std::move(text);
}

// An unsigned integer of up to 384 bits, enough for every intermediate the
// parser needs: at most 30 integer digits (more overflows or is clamped)
// plus 69 fraction digits (the 60 bits of "Ei" plus 9 of nano) = 99 digits.
class WideUint {
 public:
  // *this = *this * m + a. REQUIRES: the result fits (the caller bounds it).
  void mul_add(uint32_t m, uint32_t a) {
    uint64_t carry = a;
    for (auto& limb : limbs_) {
      const uint64_t v = static_cast<uint64_t>(limb) * m + carry;
      limb = static_cast<uint32_t>(v);
      carry = v >> 32;
    }
  }
  // *this /= d; returns the remainder.
  uint32_t div(uint32_t d) {
    uint64_t rem = 0;
    for (size_t i = limbs_.size(); i-- > 0;) {
      const uint64_t cur = (rem << 32) | limbs_[i];
      limbs_[i] = static_cast<uint32_t>(cur / d);
      rem = cur % d;
    }
    return static_cast<uint32_t>(rem);
  }
  bool fits_u128() const {
    for (size_t i = 4; i < limbs_.size(); ++i) {
      if (limbs_[i] != 0) return false;
    }
    return true;
  }
  UInt128 to_u128() const {  // REQUIRES: fits_u128()
    UInt128 v = 0;
    for (size_t i = 4; i-- > 0;) v = (v << 32) | limbs_[i];
    return v;
  }

 private:
  std::array<uint32_t, 12> limbs_{};  // little-endian
};

// The pieces parseQuantityString splits a quantity into.
struct Scanned {
  bool negative = false;
  bool has_digits = false;     // any digit, leading zeros included, before the suffix
  std::string_view int_part;   // integer digits, leading zeros stripped
  std::string_view frac_part;  // digits after '.', as written
  std::string_view suffix;     // from the first suffix letter to the end
};

std::string describe_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return fmt::format("'{}'", c);
  return fmt::format("byte 0x{:02x}", u);
}

// Mirrors quantity.go parseQuantityString: sign, leading zeros, integer
// digits, optional '.' and fraction digits, then a run of suffix letters
// "eEinumkKMGTP", one optional sign and digits only, to the end of text.
bool scan(std::string_view s, Scanned& out, std::string* why) {
  size_t pos = 0;
  const size_t end = s.size();
  if (pos < end && (s[pos] == '-' || s[pos] == '+')) {
    out.negative = s[pos] == '-';
    ++pos;
  }
  while (pos < end && s[pos] == '0') {
    out.has_digits = true;
    ++pos;
  }
  size_t start = pos;
  while (pos < end && is_digit(s[pos])) ++pos;
  out.int_part = s.substr(start, pos - start);
  if (pos < end && s[pos] == '.') {
    start = ++pos;
    while (pos < end && is_digit(s[pos])) ++pos;
    out.frac_part = s.substr(start, pos - start);
  }
  out.has_digits = out.has_digits || !out.int_part.empty() || !out.frac_part.empty();

  const size_t suffix_start = pos;
  static constexpr std::string_view kSuffixLetters = "eEinumkKMGTP";
  while (pos < end && kSuffixLetters.find(s[pos]) != std::string_view::npos) ++pos;
  if (pos < end && (s[pos] == '-' || s[pos] == '+')) ++pos;
  while (pos < end && is_digit(s[pos])) ++pos;
  if (pos < end) {
    set_why(why, fmt::format("unexpected {} at offset {}", describe_char(s[pos]), pos));
    return false;
  }
  out.suffix = s.substr(suffix_start);
  return true;
}

struct SuffixMeaning {
  int32_t exponent = 0;  // power of 10 (decimal) or of 2 (binary)
  QuantityFormat format = QuantityFormat::kDecimalSI;
};

struct SuffixEntry {
  std::string_view text;
  int32_t exponent;
};
constexpr std::array<SuffixEntry, 10> kDecimalSuffixes = {{{"n", -9},
                                                           {"u", -6},
                                                           {"m", -3},
                                                           {"", 0},
                                                           {"k", 3},
                                                           {"M", 6},
                                                           {"G", 9},
                                                           {"T", 12},
                                                           {"P", 15},
                                                           {"E", 18}}};
constexpr std::array<SuffixEntry, 6> kBinarySuffixes = {
    {{"Ki", 10}, {"Mi", 20}, {"Gi", 30}, {"Ti", 40}, {"Pi", 50}, {"Ei", 60}}};
constexpr std::array<std::string_view, 7> kBinaryPrintSuffixes = {"",   "Ki", "Mi", "Gi",
                                                                  "Ti", "Pi", "Ei"};

// Mirrors suffix.go interpret: the decimal table, then the binary table, then
// "e"/"E" followed by a signed integer.
bool interpret_suffix(std::string_view suffix, SuffixMeaning& out, std::string* why) {
  for (const auto& e : kDecimalSuffixes) {
    if (e.text == suffix) {
      out = {e.exponent, QuantityFormat::kDecimalSI};
      return true;
    }
  }
  for (const auto& e : kBinarySuffixes) {
    if (e.text == suffix) {
      out = {e.exponent, QuantityFormat::kBinarySI};
      return true;
    }
  }
  if (suffix.size() > 1 && (suffix[0] == 'e' || suffix[0] == 'E')) {
    std::string_view digits = suffix.substr(1);
    bool negative = false;
    if (digits[0] == '+' || digits[0] == '-') {
      negative = digits[0] == '-';
      digits.remove_prefix(1);
    }
    bool all_digits = !digits.empty();
    for (char c : digits) all_digits = all_digits && is_digit(c);
    if (!all_digits) {
      set_why(why, fmt::format("malformed exponent '{}'", suffix));
      return false;
    }
    // Saturate while reading: hostile exponents may have any number of digits.
    const int64_t limit = negative ? -static_cast<int64_t>(std::numeric_limits<int32_t>::min())
                                   : std::numeric_limits<int32_t>::max();
    int64_t value = 0;
    for (char c : digits) {
      value = value * 10 + (c - '0');
      if (value > limit) {
        set_why(why, fmt::format("exponent out of range in '{}'", suffix));
        return false;
      }
    }
    out = {static_cast<int32_t>(negative ? -value : value), QuantityFormat::kDecimalExponent};
    return true;
  }
  set_why(why, fmt::format("unknown suffix '{}' (expected one of n u m k M G T P E, "
                           "Ki Mi Gi Ti Pi Ei, or e<exponent>)",
                           suffix));
  return false;
}

// Digit i of int_part ++ frac_part.
int digit_at(const Scanned& s, size_t i) {
  const char c = i < s.int_part.size() ? s.int_part[i] : s.frac_part[i - s.int_part.size()];
  return c - '0';
}

enum class Magnitude { kOk, kTooLarge, kClamped };

// The parsed magnitude in nano-units, rounded up (quantity.go: "rounds
// non-zero values up to the minimum representable value"), and clamped to
// 2^63-1 units for BinarySI.
//
// With x = digits x 10^p the written number and b the binary exponent, the
// result is ceil(x x 2^b x 10^9). Every integer boundary of that product sits
// at an x with at most J = b + 9 fraction digits (x = m / (2^b 10^9)), so
// X = floor(x x 10^J) and a "dropped digits were non-zero" bit decide the
// ceiling exactly: nano = ceil(X / 5^b), plus one if digits were dropped.
// Example: "100.035Ki": x = 100.035, b = 10, J = 19, X = 100035 x 10^16,
// X / 5^10 = 102435840000000 exactly -> 102435.84 units.
// Example: "0.000000000001Ki": J = 19, X = 10^-12 x 10^19 = 10^7,
// X / 5^10 = 10^7 / 9765625 = 1 remainder 234375 -> 2 nano.
Magnitude nano_magnitude(const Scanned& s, const SuffixMeaning& suffix, UInt128& out) {
  const bool binary = suffix.format == QuantityFormat::kBinarySI;
  const int64_t b = binary ? suffix.exponent : 0;
  const int64_t e10 = binary ? 0 : suffix.exponent;
  const size_t len = s.int_part.size() + s.frac_part.size();

  size_t first = 0;
  while (first < len && digit_at(s, first) == 0) ++first;
  out = 0;
  if (first == len) return Magnitude::kOk;
  size_t last = len - 1;
  while (digit_at(s, last) == 0) --last;

  // x = S x 10^p, S the significant digits [first, last], I = integer digits of x.
  const auto n = static_cast<int64_t>(last - first + 1);
  const int64_t p =
      static_cast<int64_t>(len - 1 - last) - static_cast<int64_t>(s.frac_part.size()) + e10;
  const int64_t int_digits = n + p;
  if (binary && int_digits > 20) {  // x >= 10^19 > 2^63: clamped whatever b is
    out = kBinaryCapNano;
    return Magnitude::kClamped;
  }
  if (!binary && int_digits > 30) return Magnitude::kTooLarge;  // >= 10^39 nano

  // Fast path, 128 bits: Y = floor(x x 10^9) has at most 38 digits. Decimal:
  // nano = Y, plus one if digits were dropped. Binary without dropped digits:
  // nano = Y x 2^b exactly ("1.5Gi": Y = 15 x 10^8, nano = Y x 2^30).
  const int64_t t9 = int_digits + 9;
  if (t9 <= 38) {
    UInt128 y = 0;
    const int64_t take = t9 < n ? t9 : n;
    for (int64_t i = 0; i < take; ++i) y = y * 10 + digit_at(s, first + static_cast<size_t>(i));
    for (int64_t i = take; i < t9; ++i) y *= 10;
    const bool dropped = t9 < n;
    if (!binary) {
      if (y > kInt128Max - (dropped ? 1 : 0)) return Magnitude::kTooLarge;
      out = y + (dropped ? 1 : 0);
      return Magnitude::kOk;
    }
    if (!dropped) {
      if (y > (kBinaryCapNano >> b)) {  // y > floor(cap / 2^b) <=> y x 2^b > cap
        out = kBinaryCapNano;
        return Magnitude::kClamped;
      }
      out = y << b;
      return Magnitude::kOk;
    }
  }

  // Otherwise exact wide arithmetic. X = floor(x x 10^J): the first t digits
  // of S, padded with zeros.
  const int64_t t = int_digits + b + 9;
  WideUint x;
  bool dropped = false;
  if (t <= 0) {
    dropped = true;
  } else {
    const int64_t take = t < n ? t : n;
    for (int64_t i = 0; i < take; ++i) {
      x.mul_add(10, static_cast<uint32_t>(digit_at(s, first + static_cast<size_t>(i))));
    }
    for (int64_t i = take; i < t; ++i) x.mul_add(10, 0);
    dropped = t < n;
  }
  // Divide by 5^b in steps that fit 32 bits (5^13 = 1220703125).
  for (int64_t left = b; left > 0;) {
    const int64_t step = left < 13 ? left : 13;
    uint32_t divisor = 1;
    for (int64_t i = 0; i < step; ++i) divisor *= 5;
    dropped = (x.div(divisor) != 0) || dropped;
    left -= step;
  }
  if (!x.fits_u128()) {
    if (!binary) return Magnitude::kTooLarge;
    out = kBinaryCapNano;
    return Magnitude::kClamped;
  }
  const UInt128 floor_nano = x.to_u128();
  const UInt128 add = dropped ? 1 : 0;
  if (binary) {
    if (floor_nano > kBinaryCapNano - add) {
      out = kBinaryCapNano;
      return Magnitude::kClamped;
    }
  } else if (floor_nano > kInt128Max - add) {
    return Magnitude::kTooLarge;
  }
  out = floor_nano + add;
  return Magnitude::kOk;
}

std::optional<int64_t> to_int64(bool negative, UInt128 mag) {
  constexpr auto kMax = static_cast<UInt128>(std::numeric_limits<int64_t>::max());
  if (!negative) {
    if (mag > kMax) return std::nullopt;
    return static_cast<int64_t>(mag);
  }
  if (mag > kMax + 1) return std::nullopt;
  if (mag == kMax + 1) return std::numeric_limits<int64_t>::min();
  return -static_cast<int64_t>(mag);
}

}  // namespace

std::string_view to_string(QuantityFormat f) {
  switch (f) {
    case QuantityFormat::kDecimalSI:
      return "DecimalSI";
    case QuantityFormat::kBinarySI:
      return "BinarySI";
    case QuantityFormat::kDecimalExponent:
      return "DecimalExponent";
  }
  return "DecimalSI";
}

std::optional<Quantity> Quantity::parse(std::string_view text, std::string* why) {
  if (text.empty()) {
    set_why(why, "empty quantity");
    return std::nullopt;
  }
  Scanned scanned;
  if (!scan(text, scanned, why)) return std::nullopt;
  SuffixMeaning suffix;
  if (!interpret_suffix(scanned.suffix, suffix, why)) return std::nullopt;

  if (!scanned.has_digits) {
    // Upstream's int64 fast path reads a digitless number as 0; its inf.Dec
    // path (taken for "Pi", "Ei" and exponents below -9) rejects it.
    const bool slow_path =
        suffix.format == QuantityFormat::kBinarySI ? suffix.exponent >= 50 : suffix.exponent < -9;
    if (slow_path) {
      set_why(why, "no digits before the suffix");
      return std::nullopt;
    }
    return Quantity(0, suffix.format);
  }

  UInt128 mag = 0;
  if (nano_magnitude(scanned, suffix, mag) == Magnitude::kTooLarge) {
    set_why(why, "number too large (the limit is about 1.7e29)");
    return std::nullopt;
  }
  QuantityFormat format = suffix.format;
  // quantity.go: a BinarySI value strictly between 0 and 1 becomes DecimalSI.
  if (format == QuantityFormat::kBinarySI && mag != 0 && mag < kNanoPerUnit) {
    format = QuantityFormat::kDecimalSI;
  }
  const auto nano = static_cast<Int128>(mag);
  return Quantity(scanned.negative ? -nano : nano, format);
}

std::optional<int64_t> Quantity::checked_scaled_value(int32_t scale) const {
  if (nano_ == 0) return 0;
  UInt128 mag = magnitude(nano_);
  // Fast path, same result: a magnitude below 2^63 divided by 10^0..10^18 in
  // 64-bit arithmetic (the quotient cannot overflow int64). Example:
  // 250m = 250,000,000n at scale -3: 250,000,000 / 10^6 = 250.
  if (scale >= -9 && scale <= 9 &&
      mag <= static_cast<UInt128>(std::numeric_limits<int64_t>::max())) {
    const auto m = static_cast<uint64_t>(mag);
    const uint64_t divisor = kPow10U64[static_cast<size_t>(scale + 9)];
    const auto q = static_cast<int64_t>(m / divisor + (m % divisor != 0 ? 1 : 0));
    return nano_ < 0 ? -q : q;
  }
  if (scale >= -9) {
    // Rounded up in magnitude: 1n at scale -3 is 0.000001 -> 1.
    const int64_t digits = static_cast<int64_t>(scale) + 9;
    if (digits > 38) {
      mag = 1;  // |nano| < 10^39 <= 10^digits
    } else {
      const UInt128 divisor = pow10(static_cast<int>(digits));
      mag = mag / divisor + (mag % divisor != 0 ? 1 : 0);
    }
  } else {
    for (int64_t i = scale; i < -9; ++i) {
      if (mag > (static_cast<UInt128>(1) << 64)) return std::nullopt;
      mag *= 10;
    }
  }
  return to_int64(nano_ < 0, mag);
}

int64_t Quantity::scaled_value(int32_t scale) const {
  if (auto v = checked_scaled_value(scale)) return *v;
  return nano_ < 0 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
}

std::optional<int64_t> Quantity::checked_value() const { return checked_scaled_value(0); }
std::optional<int64_t> Quantity::checked_milli_value() const { return checked_scaled_value(-3); }
int64_t Quantity::value() const { return scaled_value(0); }
int64_t Quantity::milli_value() const {
  // scaled_value(-3) with the divisor a constant (the HPA reads millis of
  // every sample and request at every sync). Example: 1n -> 1; -2500001n -> -3.
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (nano_ >= -kMax && nano_ <= kMax) {
    const auto n = static_cast<int64_t>(nano_);
    const uint64_t m = n < 0 ? static_cast<uint64_t>(-n) : static_cast<uint64_t>(n);
    const auto q = static_cast<int64_t>(m / 1'000'000 + (m % 1'000'000 != 0 ? 1 : 0));
    return n < 0 ? -q : q;
  }
  return scaled_value(-3);
}

std::optional<Quantity> Quantity::round_up(int32_t scale, bool* exact) const {
  if (exact != nullptr) *exact = true;
  if (scale <= -9 || nano_ == 0) return *this;
  const int64_t digits = static_cast<int64_t>(scale) + 9;
  if (digits > 38) {  // the nearest multiple of 10^digits away from zero is out of range
    if (exact != nullptr) *exact = false;
    return std::nullopt;
  }
  const UInt128 step = pow10(static_cast<int>(digits));
  UInt128 mag = magnitude(nano_);
  const UInt128 rest = mag % step;
  if (rest == 0) return *this;
  if (exact != nullptr) *exact = false;
  mag -= rest;
  if (mag > kInt128Max - step) return std::nullopt;
  mag += step;
  const auto nano = static_cast<Int128>(mag);
  return Quantity(nano_ < 0 ? -nano : nano, format_);
}

// Mirrors quantity.go CanonicalizeBytes.
// DecimalSI/DecimalExponent: strip trailing zeros, then lower the exponent to
// a multiple of 3: 1.5 = 15e-1 -> 1500e-3 -> "1500m"; 1e19 -> 10e18 -> "10E".
// BinarySI (|q| >= 1024 and whole): divide out 1024s: 1610612736 = 1536 x
// 1024^2 -> "1536Mi". Smaller or fractional BinarySI values print as DecimalSI.
std::string Quantity::to_string() const {
  if (nano_ == 0) return "0";
  const UInt128 mag = magnitude(nano_);
  std::string out = nano_ < 0 ? "-" : "";
  QuantityFormat format = format_;
  if (format == QuantityFormat::kBinarySI &&
      (mag < 1024 * kNanoPerUnit || mag % kNanoPerUnit != 0)) {
    format = QuantityFormat::kDecimalSI;
  }
  if (format == QuantityFormat::kBinarySI) {
    UInt128 m = mag / kNanoPerUnit;
    size_t k = 0;
    while (k + 1 < kBinaryPrintSuffixes.size() && m % 1024 == 0) {
      m /= 1024;
      ++k;
    }
    out += u128_to_string(m);
    out += kBinaryPrintSuffixes[k];
    return out;
  }
  UInt128 m = mag;
  int exponent = -9;
  while (m % 10 == 0) {
    m /= 10;
    ++exponent;
  }
  while (exponent % 3 != 0) {  // never overflows: undoes at most the zeros just stripped
    m *= 10;
    --exponent;
  }
  out += u128_to_string(m);
  if (format == QuantityFormat::kDecimalSI && exponent <= 18) {
    for (const auto& e : kDecimalSuffixes) {
      if (e.exponent == exponent) out += e.text;
    }
  } else if (exponent != 0) {
    // DecimalExponent, or DecimalSI past "E": quantity.go falls back to "e".
    out += fmt::format("e{}", exponent);
  }
  return out;
}

std::optional<Quantity> Quantity::checked_add(const Quantity& o) const {
  Int128 sum = 0;
  if (__builtin_add_overflow(nano_, o.nano_, &sum)) return std::nullopt;
  return Quantity(sum, nano_ == 0 ? o.format_ : format_);
}

std::optional<Quantity> Quantity::checked_sub(const Quantity& o) const {
  Int128 diff = 0;
  if (__builtin_sub_overflow(nano_, o.nano_, &diff)) return std::nullopt;
  return Quantity(diff, nano_ == 0 ? o.format_ : format_);
}

std::optional<Quantity> Quantity::checked_mul(int64_t factor) const {
  Int128 product = 0;
  if (__builtin_mul_overflow(nano_, static_cast<Int128>(factor), &product)) return std::nullopt;
  return Quantity(product, format_);
}

}  // namespace simcluster
