#include "services/common/csv.h"

#include <cctype>

namespace carestat {

int CsvReader::Get() {
  if (pos_ == len_) {
    in_.read(buf_, sizeof buf_);
    len_ = static_cast<size_t>(in_.gcount());
    pos_ = 0;
    if (len_ == 0) return -1;
  }
  return static_cast<unsigned char>(buf_[pos_++]);
}

bool CsvReader::Next(std::vector<std::string>* fields) {
  if (!error_.empty()) return false;
  for (;;) {
    fields->clear();
    record_line_ = line_;
    std::string field;
    bool quoted = false, in_quotes = false, any = false, after_quote = false;
    size_t bytes = 0;
    int c;
    if (first_) {
      first_ = false;
      int a = Get();
      if (a == 0xEF) {
        int b = Get(), d = Get();
        if (b != 0xBB || d != 0xBF) {
          error_ = "line 1: the file starts with bytes that are neither text nor a UTF-8 byte order mark";
          return false;
        }
      } else if (a >= 0) {
        --pos_;  // put it back
      }
    }
    for (;;) {
      c = Get();
      if (c < 0) break;
      if (++bytes > max_record_bytes_) {
        error_ = "line " + std::to_string(record_line_) + ": a record longer than " +
                 std::to_string(max_record_bytes_) + " bytes (is this a CSV file?)";
        return false;
      }
      any = true;
      if (c == 0) {
        error_ = "line " + std::to_string(line_) + ": a NUL byte: this is not a text CSV file";
        return false;
      }
      if (in_quotes) {
        if (c == '"') {
          int n = Get();
          if (n == '"') {
            field.push_back('"');
          } else {
            in_quotes = false;
            after_quote = true;
            if (n >= 0) --pos_;
          }
        } else {
          if (c == '\n') ++line_;
          field.push_back(static_cast<char>(c));
        }
        continue;
      }
      if (c == '"' && field.empty() && !quoted) {
        in_quotes = quoted = true;
        continue;
      }
      if (c == ',') {
        fields->push_back(std::move(field));
        field.clear();
        quoted = after_quote = false;
        continue;
      }
      if (c == '\r') continue;
      if (c == '\n') {
        ++line_;
        break;
      }
      if (after_quote) {
        error_ = "line " + std::to_string(line_) + ": text after a closing quote in field " +
                 std::to_string(fields->size() + 1);
        return false;
      }
      field.push_back(static_cast<char>(c));
    }
    if (in_quotes) {
      error_ = "line " + std::to_string(record_line_) +
               ": a quoted field is not closed before the end of the file (the file is cut short?)";
      return false;
    }
    if (!any) return false;  // end of input
    fields->push_back(std::move(field));
    bool blank = true;
    for (const auto& f : *fields) {
      for (char ch : f) {
        if (!std::isspace(static_cast<unsigned char>(ch))) blank = false;
      }
    }
    if (blank) {
      if (c < 0) return false;
      continue;
    }
    return true;
  }
}

std::string NormaliseHeading(const std::string& raw) {
  // A non-breaking space (UTF-8 C2 A0) counts as a space: spreadsheets write them.
  std::string s;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (static_cast<unsigned char>(raw[i]) == 0xC2 && i + 1 < raw.size() &&
        static_cast<unsigned char>(raw[i + 1]) == 0xA0) {
      s.push_back(' ');
      ++i;
    } else {
      s.push_back(raw[i]);
    }
  }
  std::string out;
  bool space = false;
  for (unsigned char c : s) {
    if (std::isspace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

void CsvWriter::Row(const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out_ << ',';
    out_ << CsvField(fields[i]);
  }
  out_ << '\n';
}

}  // namespace carestat
