// File: render.h
// Renders an AnnualReport for people (Markdown, self-contained HTML) and for systems
// (Protobuf JSON, CSV). Values are stored unrounded and rounded only here: whole
// numbers for counts, rates and percentages, as the council's reports print them.
//   auto out = Render(report, v1::HTML);   // out->content() is the whole page
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "carestat/v1/reporting.pb.h"

namespace carestat {

absl::StatusOr<v1::RenderResponse> Render(const v1::AnnualReport& report, v1::Format format);

// "11,393"; "551" for a rate; "not available" when missing.
std::string FormatValue(const v1::Cell& c, const std::string& unit);
// "+34%", "-20%", "0%"; "not available" when missing.
std::string FormatChange(const v1::Cell& c);

std::string RenderMarkdown(const v1::AnnualReport& report);
std::string RenderHtml(const v1::AnnualReport& report);
std::string RenderCsv(const v1::AnnualReport& report);

}  // namespace carestat
