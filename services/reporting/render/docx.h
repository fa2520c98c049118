// File: docx.h
// Both reports as a Word document (WordprocessingML, .docx): the same sections,
// paragraphs, tables, charts and notes as the HTML, for councils whose Cabinet papers
// are edited in Word. The zip is written with minizip and the XML by hand (escaped with
// HtmlEscape over Utf8Text); each chart is the HTML's SVG, embedded as SVG (Word 2016+,
// LibreOffice) and as a PNG rasterised with librsvg for readers without SVG support.
//   absl::StatusOr<std::string> bytes = RenderDocx(report, /*published=*/true);
//   std::string cover = DocxCoverTable({{"Report", title}, {"Meeting", "Cabinet, 14 March"}});
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "carestat/v1/reporting.pb.h"

namespace carestat {

// The single-format renderers, on a report as given (Render applies disclosure control
// first); `published` only changes the status line and notes. The bytes of a .docx.
absl::StatusOr<std::string> RenderDocx(const v1::AnnualReport& report, bool published = false);
absl::StatusOr<std::string> RenderDocx(const v1::SelfAssessment& sa, bool published = false);

// The cover block: a two-column table, one row per (field, value), field in bold on
// the left. Callers with more to say on the cover (a council's cover sheet: meeting
// and date, report of, wards, key decision, author) pass more rows.
using CoverRows = std::vector<std::pair<std::string, std::string>>;
std::string DocxCoverTable(const CoverRows& rows);

// A chart as images: `svg` a standalone SVG file (namespace and size in user units
// added to the inline SVG the HTML uses), `png` rasterised from it by librsvg at
// `scale` pixels per SVG unit on a white background. An error names what failed.
struct ChartImage {
  std::string svg;
  std::string png;
  int width_px = 0;
  int height_px = 0;
  double width = 0;    // SVG user units (the viewBox)
  double height = 0;
};
absl::StatusOr<ChartImage> RasteriseChart(const std::string& inline_svg, double scale = 2);

}  // namespace carestat
