// A small CSV reader with line numbers (private to lib/scenario), for traces
// and calibration samples. Comma separated; fields may be double-quoted ("" is
// a quote inside); CRLF and a missing final newline are fine; blank lines and
// lines starting with '#' are skipped. The first remaining line is the header.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simcluster/error.h"

namespace simcluster::scenario_internal {

struct CsvRow {
  int line = 0;
  std::vector<std::string> fields;
};

struct CsvTable {
  std::string file;
  int header_line = 0;
  std::vector<std::string> header;
  std::vector<CsvRow> rows;
};

// Throws InputError at file:line for an unterminated quote, a row whose field
// count differs from the header's, more than max_rows rows, or no header.
CsvTable parse_csv(std::string_view text, const std::string& file, size_t max_rows);

// Index of a header column; InputError at `where` (where the column was named)
// with "did you mean" when absent.
size_t column_index(const CsvTable& table, const std::string& name, const SourceLocation& where,
                    std::string_view what);

// Reads a whole file. InputError at `referenced_from` when it cannot be read or
// is larger than max_bytes.
std::string read_text_file(const std::string& path, size_t max_bytes,
                           const SourceLocation& referenced_from, std::string_view what);

// Parses a decimal number ("94.0", "-1e3", " 12 "); nullopt when malformed.
std::optional<double> parse_number(std::string_view text);

// Seconds since 1970-01-01T00:00:00Z of "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS[.fff]]"
// or the same with 'T', optionally followed by 'Z' or +HH:MM / -HH:MM; nullopt otherwise.
std::optional<double> parse_date_time(std::string_view text);

}  // namespace simcluster::scenario_internal
