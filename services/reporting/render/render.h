// File: render.h
// Renders the annual report and the self-assessment for people (Markdown, one
// self-contained HTML file with SVG charts) and for systems (Protobuf JSON, CSV with a
// file per table, XLSX with a sheet per table) and for Word (DOCX, docx.h: the HTML's
// sections, tables and charts). Values are stored unrounded and rounded
// only here (see format.h). `publish` applies DfE disclosure control (disclosure.h)
// to a copy first; internal output shows every figure.
//   auto out = Render(report, v1::HTML, /*publish=*/false);   // out->content(): the page
//   auto csv = Render(report, v1::CSV, true);                 // csv->files(): table1.csv, ...
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "carestat/v1/reporting.pb.h"
#include "services/reporting/format.h"

namespace carestat {

absl::StatusOr<v1::RenderResponse> Render(const v1::AnnualReport& report, v1::Format format, bool publish = false);
absl::StatusOr<v1::RenderResponse> Render(const v1::SelfAssessment& sa, v1::Format format, bool publish = false);
// INVALID_ARGUMENT when the request carries no report.
absl::StatusOr<v1::RenderResponse> Render(const v1::RenderRequest& request);

// Makes every non-finite number in `m` (NaN, infinity) "not available": a `value`
// beside a `has_value` (a Cell) gets has_value false, a numerator or denominator beside
// `has_numerator` likewise; any other non-finite number is an error naming its field
// (`path` prefixes the names). Render calls it on its copy of the document first.
absl::Status NullNonFinite(google::protobuf::Message* m, const std::string& path = "");

// The single-format renderers, on a report as given: they do not suppress anything
// themselves; `published` only changes the status line and notes.
std::string RenderMarkdown(const v1::AnnualReport& report, bool published = false);
std::string RenderMarkdown(const v1::SelfAssessment& sa, bool published = false);
std::string RenderHtml(const v1::AnnualReport& report, bool published = false);
std::string RenderHtml(const v1::SelfAssessment& sa, bool published = false);

}  // namespace carestat
