// Quantity: an exact amount of a Kubernetes resource, with the notation it was
// written in, as k8s.io/apimachinery pkg/api/resource/quantity.go defines it.
//
// The value is held as a signed 128-bit count of nano-units (10^-9), the
// precision floor Kubernetes applies after parsing ("3.001n" -> 4n). That
// covers every value a cluster can hold (9Ei = 9.2e18 is 9.2e27 nano) with
// exact integer arithmetic; anything larger is rejected as an overflow.
// Never a float.
//
// Where this type knowingly differs from upstream (all far from real
// manifests), the difference is deliberate and listed here:
//  * Magnitudes of 1.7e29 units or more (Int128 nano limit) fail to parse
//    with "number too large"; upstream keeps arbitrary precision. Exponents
//    outside the int32 range fail too (upstream silently truncates them).
//  * String() never returns the cached input: "+1" and "01" print as "1".
//  * Value()/MilliValue() round every negative non-integer away from zero;
//    upstream's inf.Dec path rounds negatives toward zero and adds one.
//  * Value()/MilliValue() saturate at the int64 range; upstream overflows.
//  * A BinarySI integer of 1024Ei or more prints with the Ei suffix
//    ("1024Ei"); upstream has no suffix past Ei and prints a wrong number.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace simcluster {

__extension__ typedef __int128 Int128;

// The notation remembered from the suffix used at parse time
// (quantity.go Format): it decides how the value is printed.
enum class QuantityFormat { kDecimalSI, kBinarySI, kDecimalExponent };

// "DecimalSI", "BinarySI" or "DecimalExponent", as quantity.go names them.
std::string_view to_string(QuantityFormat f);

class Quantity {
 public:
  constexpr Quantity() = default;

  // Parses Kubernetes notation: "250m", "1.5Gi", "1e3", ".5", "+1k".
  // Returns nullopt for malformed text or a value out of range; `why`, when
  // given, receives a one-line reason ("unknown suffix 'mi'").
  //
  // Mirrors quantity.go ParseQuantity, including its leniencies: "1." and
  // ".5" are numbers, and a number with no digits at all ("m", "+", ".",
  // "Ki") is zero, except where upstream's slow path rejects it ("Pi", "Ei",
  // exponents below e-9). BinarySI magnitudes above 2^63-1 are clamped to
  // it ("9Ei" -> 9223372036854775807). Linear in the length of `text`.
  static std::optional<Quantity> parse(std::string_view text, std::string* why = nullptr);

  // Constructors mirroring resource.NewQuantity / NewMilliQuantity /
  // NewScaledQuantity(v, Nano).
  static constexpr Quantity from_value(int64_t v, QuantityFormat f = QuantityFormat::kDecimalSI) {
    return Quantity(static_cast<Int128>(v) * 1'000'000'000, f);
  }
  static constexpr Quantity from_milli(int64_t v, QuantityFormat f = QuantityFormat::kDecimalSI) {
    return Quantity(static_cast<Int128>(v) * 1'000'000, f);
  }
  static constexpr Quantity from_nano(Int128 v, QuantityFormat f = QuantityFormat::kDecimalSI) {
    return Quantity(v, f);
  }

  constexpr Int128 nano() const { return nano_; }
  constexpr QuantityFormat format() const { return format_; }
  constexpr bool is_zero() const { return nano_ == 0; }
  // -1, 0 or 1 (quantity.go Sign).
  constexpr int sign() const { return nano_ < 0 ? -1 : (nano_ > 0 ? 1 : 0); }

  // Value() and MilliValue(): rounded up in magnitude when not exact
  // ("0.5" -> Value 1; "0.1m" -> MilliValue 1). Saturate at the int64 range;
  // use the checked forms where an overflow must be reported.
  int64_t value() const;
  int64_t milli_value() const;
  std::optional<int64_t> checked_value() const;
  std::optional<int64_t> checked_milli_value() const;

  // ScaledValue(scale): the value in units of 10^scale, rounded up in
  // magnitude when not exact (quantity.go ScaledValue). value() is
  // scaled_value(0), milli_value() is scaled_value(-3).
  // Example: 1 at scale 2 -> 1 x 10^2 -> scaled_value(-2) = 10000;
  // 1n -> scaled_value(-3) = 1 (0.000001 milli, rounded up).
  // The checked form returns nullopt when the result leaves int64; the other
  // saturates.
  std::optional<int64_t> checked_scaled_value(int32_t scale) const;
  int64_t scaled_value(int32_t scale) const;

  // RoundUp(scale): the value rounded away from zero to a multiple of
  // 10^scale (quantity.go RoundUp); `exact`, when given, says whether nothing
  // was lost. Scales at or below -9 (nano) are always exact.
  // Example: 9.01 at scale -1 -> 9.1 (inexact); at 0 -> 10; at 2 -> 100;
  // -9.01 at 0 -> -10. Returns nullopt if the rounded value is out of range.
  std::optional<Quantity> round_up(int32_t scale, bool* exact = nullptr) const;

  // The canonical string form (quantity.go String / CanonicalizeBytes):
  // "1.5" -> "1500m", "1024Mi" -> "1Gi", "1000M" -> "1G".
  std::string to_string() const;

  // Exact decimal comparison, independent of format (quantity.go Cmp).
  friend constexpr bool operator==(const Quantity& a, const Quantity& b) {
    return a.nano_ == b.nano_;
  }
  friend constexpr std::strong_ordering operator<=>(const Quantity& a, const Quantity& b) {
    return a.nano_ <=> b.nano_;
  }

  // Arithmetic keeps the left operand's format, as Quantity.Add/Sub do;
  // a zero left operand takes the right operand's format, so a sum started
  // from Quantity{} prints in its terms' notation ("0" + "1Gi" -> "1Gi").
  // REQUIRES: the result stays within range (callers sum realistic values;
  // use checked_add/checked_sub/checked_mul when it might not).
  constexpr Quantity& operator+=(const Quantity& o) {
    if (nano_ == 0) format_ = o.format_;
    nano_ += o.nano_;
    return *this;
  }
  constexpr Quantity& operator-=(const Quantity& o) {
    if (nano_ == 0) format_ = o.format_;
    nano_ -= o.nano_;
    return *this;
  }
  friend constexpr Quantity operator+(Quantity a, const Quantity& b) { return a += b; }
  friend constexpr Quantity operator-(Quantity a, const Quantity& b) { return a -= b; }
  // Neg(): same format, opposite sign.
  constexpr Quantity operator-() const { return Quantity(-nano_, format_); }

  // Overflow-checked forms of the above and of quantity.go Mul(int64):
  // nullopt when the result leaves the representable range.
  std::optional<Quantity> checked_add(const Quantity& o) const;
  std::optional<Quantity> checked_sub(const Quantity& o) const;
  std::optional<Quantity> checked_mul(int64_t factor) const;

 private:
  constexpr Quantity(Int128 nano, QuantityFormat f) : nano_(nano), format_(f) {}
  Int128 nano_ = 0;
  QuantityFormat format_ = QuantityFormat::kDecimalSI;
};

}  // namespace simcluster
