// File: csv.h
// A streaming CSV reader for council exports: RFC 4180 quoting, a UTF-8 byte order
// mark, CRLF or LF line ends, a missing final newline. Memory is bounded by the
// longest record, which is itself capped.
//   CsvReader r(stream);
//   std::vector<std::string> row;
//   while (r.Next(&row)) { ... r.line() is the line the row started on ... }
//   if (!r.error().empty()) { ... names the line and the problem ... }
#pragma once

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace carestat {

class CsvReader {
 public:
  explicit CsvReader(std::istream& in, size_t max_record_bytes = 1 << 20)
      : in_(in), max_record_bytes_(max_record_bytes) {}

  // Reads the next record. Returns false at the end of input or on an error; error()
  // is empty at a clean end. Blank lines are skipped.
  bool Next(std::vector<std::string>* fields);
  // The line (1-based) on which the last record returned began.
  int64_t line() const { return record_line_; }
  const std::string& error() const { return error_; }

 private:
  int Get();
  std::istream& in_;
  size_t max_record_bytes_;
  int64_t line_ = 1;
  int64_t record_line_ = 0;
  bool first_ = true;
  std::string error_;
  char buf_[1 << 16];
  size_t pos_ = 0, len_ = 0;
};

// One CSV field as RFC 4180 writes it: quoted (with inner quotes doubled) when it holds
// a comma, a quote or a line end; as it is otherwise. CsvReader reads it back the same.
std::string CsvField(const std::string& s);

// Writes records to a stream, one line each (LF), every field through CsvField. (A
// record of one empty field is a blank line, which CsvReader skips.)
//   CsvWriter w(out);
//   w.Row({"child", "rule"});
class CsvWriter {
 public:
  explicit CsvWriter(std::ostream& out) : out_(out) {}
  void Row(const std::vector<std::string>& fields);

 private:
  std::ostream& out_;
};

// Lower-cases and collapses spaces, for matching column headings.
std::string NormaliseHeading(const std::string& s);

}  // namespace carestat
