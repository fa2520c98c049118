#include "services/reporting/render/render.h"

#include <cmath>
#include <cstdio>

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"

namespace carestat {

std::string FormatValue(const v1::Cell& c, const std::string& unit) {
  if (!c.has_value()) return "not available";
  if (unit == "rate_per_1dp") {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", c.value());
    return buf;
  }
  long long v = std::llround(c.value());
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0 && unit == "count") out.push_back(',');
    out.push_back(digits[i]);
  }
  return (v < 0 ? "-" : "") + out + (unit == "percent" ? "%" : "");
}

std::string FormatChange(const v1::Cell& c) {
  if (!c.has_value()) return "not available";
  long long v = std::llround(c.value());
  return absl::StrCat(v > 0 ? "+" : "", v, "%");
}

absl::StatusOr<v1::RenderResponse> Render(const v1::AnnualReport& report, v1::Format format) {
  v1::RenderResponse out;
  switch (format) {
    case v1::JSON: {
      std::string json;
      google::protobuf::util::JsonPrintOptions opts;
      opts.add_whitespace = true;
      opts.preserve_proto_field_names = true;
      opts.always_print_primitive_fields = true;
      auto s = google::protobuf::util::MessageToJsonString(report, &json, opts);
      if (!s.ok()) return absl::InternalError(std::string(s.message()));
      out.set_content(json);
      out.set_media_type("application/json");
      out.set_file_extension("json");
      return out;
    }
    case v1::MARKDOWN:
      out.set_content(RenderMarkdown(report));
      out.set_media_type("text/markdown");
      out.set_file_extension("md");
      return out;
    case v1::HTML:
      out.set_content(RenderHtml(report));
      out.set_media_type("text/html");
      out.set_file_extension("html");
      return out;
    case v1::CSV:
      out.set_content(RenderCsv(report));
      out.set_media_type("text/csv");
      out.set_file_extension("csv");
      return out;
    default:
      break;
  }
  return absl::InvalidArgumentError(absl::StrCat("format ", v1::Format_Name(format),
                                                 " cannot be rendered: use JSON, MARKDOWN, HTML or CSV"));
}

std::string RenderMarkdown(const v1::AnnualReport& r) {
  std::string md = absl::StrCat("# Children's Social Care Annual Report ", r.year(), "\n\n",
                                r.la_name().empty() ? "LA " + r.la() : r.la_name() + " (LA " + r.la() + ")",
                                "\n\n");
  int n = 0;
  for (const auto& t : r.tables()) {
    absl::StrAppend(&md, "## Table ", ++n, ": ", t.title(), "\n\n| |");
    for (const auto& p : t.periods()) absl::StrAppend(&md, " ", p, " |");
    absl::StrAppend(&md, " 1 year % change | 5 year % change |\n|---|");
    for (int i = 0; i < t.periods_size() + 2; ++i) absl::StrAppend(&md, "---:|");
    md += "\n";
    for (const auto& row : t.rows()) {
      absl::StrAppend(&md, "| ", row.label(), " |");
      for (const auto& v : row.values()) absl::StrAppend(&md, " ", FormatValue(v, row.unit()), " |");
      absl::StrAppend(&md, " ", FormatChange(row.change_1y_pct()), " | ", FormatChange(row.change_5y_pct()),
                      " |\n");
    }
    absl::StrAppend(&md, "\nSource: ", t.source(), "\n\n");
  }
  return md;
}

namespace {
std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string Number(const v1::Cell& c) {
  if (!c.has_value()) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", c.value());
  return buf;
}
}  // namespace

std::string RenderHtml(const v1::AnnualReport& r) {
  const std::string who = r.la_name().empty() ? "LA " + r.la() : r.la_name();
  std::string h = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
      Escape(who), ": Children's Social Care Annual Report ", Escape(r.year()), "</title>\n<style>\n",
      "body{font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;margin:2rem auto;max-width:60rem;"
      "padding:0 1rem;line-height:1.4}\n"
      "h1{font-size:1.8rem;border-bottom:4px solid #1d70b8;padding-bottom:.3rem}\n"
      "h2{font-size:1.2rem;margin-top:2rem}\n"
      "table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}\n"
      "caption{text-align:left;font-weight:bold;padding:.3rem 0}\n"
      "th,td{border:1px solid #b1b4b6;padding:.35rem .5rem}\n"
      "thead th{background:#1d70b8;color:#fff}\n"
      "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
      "td.na{color:#505a5f;font-style:italic}\n"
      "p.source{font-size:.8rem;color:#505a5f}\n"
      "@page{size:A4;margin:15mm}\n"
      "@media print{body{margin:0;max-width:none}thead th{background:#ddd!important;color:#000}"
      "table{page-break-inside:avoid}}\n"
      "</style>\n</head>\n<body>\n<header>\n<h1>Children's Social Care Annual Report ", Escape(r.year()),
      "</h1>\n<p>", Escape(who), " (LA ", Escape(r.la()), ")</p>\n</header>\n<main>\n");
  int n = 0;
  for (const auto& t : r.tables()) {
    ++n;
    absl::StrAppend(&h, "<section id=\"", Escape(t.id()), "\">\n<h2>Table ", n, " ", Escape(t.title()),
                    "</h2>\n<table>\n<caption>Table ", n, ": ", Escape(t.title()), "</caption>\n<thead><tr><th scope=\"col\"></th>");
    for (const auto& p : t.periods()) absl::StrAppend(&h, "<th scope=\"col\" class=\"num\">", Escape(p), "</th>");
    absl::StrAppend(&h, "<th scope=\"col\" class=\"num\">1 year % change</th>"
                        "<th scope=\"col\" class=\"num\">5 year % change</th></tr></thead>\n<tbody>\n");
    for (const auto& row : t.rows()) {
      absl::StrAppend(&h, "<tr data-indicator=\"", Escape(row.indicator()), "\"><th scope=\"row\">",
                      Escape(row.label()), "</th>");
      auto cell = [&h](const v1::Cell& c, const std::string& text) {
        absl::StrAppend(&h, "<td class=\"num", c.has_value() ? "" : " na", "\">", Escape(text), "</td>");
      };
      for (const auto& v : row.values()) cell(v, FormatValue(v, row.unit()));
      cell(row.change_1y_pct(), FormatChange(row.change_1y_pct()));
      cell(row.change_5y_pct(), FormatChange(row.change_5y_pct()));
      h += "</tr>\n";
    }
    absl::StrAppend(&h, "</tbody>\n</table>\n<p class=\"source\">Source: ", Escape(t.source()),
                    "</p>\n</section>\n");
  }
  h += "</main>\n</body>\n</html>\n";
  return h;
}

std::string RenderCsv(const v1::AnnualReport& r) {
  std::string csv = "table,indicator,label,period,value\n";
  for (const auto& t : r.tables()) {
    for (const auto& row : t.rows()) {
      for (int i = 0; i < row.values_size() && i < t.periods_size(); ++i) {
        absl::StrAppend(&csv, t.id(), ",", row.indicator(), ",", CsvField(row.label()), ",", t.periods(i), ",",
                        Number(row.values(i)), "\n");
      }
      absl::StrAppend(&csv, t.id(), ",", row.indicator(), ",", CsvField(row.label()), ",change_1y_pct,",
                      Number(row.change_1y_pct()), "\n");
      absl::StrAppend(&csv, t.id(), ",", row.indicator(), ",", CsvField(row.label()), ",change_5y_pct,",
                      Number(row.change_5y_pct()), "\n");
    }
  }
  return csv;
}

}  // namespace carestat
