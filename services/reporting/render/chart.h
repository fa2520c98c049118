// File: chart.h
// A report figure as an inline SVG chart: the LA's figures as bars, each comparator as
// a line with its own marker and dash (never colour alone), y axis with gridlines,
// period labels, a legend and value labels. Self-contained: no fonts or scripts fetched.
// Value labels are placed clear of every comparator marker and of each other (above the
// bar, else beside the nearest marker, else inside the bar in white), so no figure is hidden.
// Comparators on a different scale from the LA (a national total beside a borough
// count) are not drawn, and the legend says so; the data table keeps them.
//   std::string svg = SvgChart(figure, "fig1");   // <svg role="img" ...>...</svg>
#pragma once

#include <string>

#include "carestat/v1/reporting.pb.h"

namespace carestat {

std::string SvgChart(const v1::Figure& figure, const std::string& dom_id);

// Escapes text for HTML and SVG.
std::string HtmlEscape(const std::string& s);

}  // namespace carestat
