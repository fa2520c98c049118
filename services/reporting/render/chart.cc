#include "services/reporting/render/chart.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/reporting/format.h"
#include "services/reporting/render/text.h"

namespace carestat {

std::string HtmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

namespace {

struct Style {
  const char* colour;
  const char* dash;
  const char* marker;   // circle, square, diamond
};

// Comparator styles in series order after the LA: statistical neighbours, London, England.
const Style kStyles[] = {
    {"#d06a00", "", "circle"},
    {"#6f3c97", "7 4", "square"},
    {"#0b0c0c", "2 3", "diamond"},
};
constexpr char kBarColour[] = "#1d70b8";

// A round axis maximum and step covering `top` in about five steps.
void NiceScale(double top, double* max, double* step) {
  if (top <= 0) top = 1;
  const double raw = top / 5;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  double s = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    s = m * mag;
    if (s >= raw) break;
  }
  *step = s;
  *max = std::ceil(top / s) * s;
  if (*max < top * 1.05) *max += s;  // room for the value labels
}

std::string Marker(const char* kind, double x, double y, const char* colour) {
  if (std::string(kind) == "square")
    return absl::StrFormat("<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"%s\"/>", x - 4, y - 4, colour);
  if (std::string(kind) == "diamond")
    return absl::StrFormat("<path d=\"M%.1f %.1fl5 5-5 5-5-5z\" fill=\"%s\"/>", x, y - 5, colour);
  return absl::StrFormat("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\"/>", x, y, colour);
}

double MaxOf(const v1::FigureSeries& s) {
  double m = 0;
  for (const auto& v : s.values()) {
    if (v.has_value()) m = std::max(m, v.value());
  }
  return m;
}

bool AnyValue(const v1::FigureSeries& s) {
  for (const auto& v : s.values()) {
    if (v.has_value()) return true;
  }
  return false;
}

}  // namespace

std::string SvgChart(const v1::Figure& f, const std::string& id) {
  const double W = 720, H = 330, left = 70, right = 20, top = 20, plot_h = 230;
  const double plot_w = W - left - right, base = top + plot_h;
  const int n = f.periods_size();
  if (f.series_size() == 0 || n == 0) return "";
  const v1::FigureSeries& own = f.series(0);
  const double own_max = MaxOf(own);

  // Which comparators share the LA's scale.
  struct Line {
    const v1::FigureSeries* s;
    Style style;
    bool drawn;
    bool any;
  };
  std::vector<Line> lines;
  double top_value = own_max;
  for (int i = 1; i < f.series_size(); ++i) {
    const auto& s = f.series(i);
    const double m = MaxOf(s);
    const bool any = AnyValue(s);
    const bool same_scale = own_max <= 0 || (m <= own_max * 5 && m >= own_max / 5);
    lines.push_back({&s, kStyles[(i - 1) % 3], any && same_scale, any});
    if (any && same_scale) top_value = std::max(top_value, m);
  }
  double ymax, step;
  NiceScale(top_value > 0 ? top_value : 10, &ymax, &step);
  auto Y = [&](double v) { return base - v / ymax * plot_h; };
  const double slot = plot_w / n;
  auto X = [&](int i) { return left + slot * (i + 0.5); };

  std::string desc = absl::StrCat("Bar chart of ", f.title(), " for ", own.label(), ", ", f.periods(0), " to ",
                                  f.periods(n - 1), ".");
  for (const auto& l : lines) {
    absl::StrAppend(&desc, " ", l.s->label(),
                    l.drawn ? ": line." : (l.any ? ": not drawn (different scale)." : ": not available."));
  }
  absl::StrAppend(&desc, " The figures are in the table that follows the chart.");

  std::string svg = absl::StrFormat(
      "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" role=\"img\" aria-labelledby=\"%s-title "
      "%s-desc\" font-family=\"Arial, Helvetica, sans-serif\" font-size=\"12\">\n"
      "<title id=\"%s-title\">Figure %s: %s</title>\n<desc id=\"%s-desc\">%s</desc>\n",
      W, H, id, id, id, HtmlEscape(f.number()), HtmlEscape(f.title()), id, HtmlEscape(desc));
  // Gridlines and the y axis.
  for (int k = 0; k * step <= ymax + step / 2; ++k) {
    const double v = k * step;
    const double y = Y(v);
    absl::StrAppend(&svg, absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                                          "stroke-width=\"1\"/>\n",
                                          left, y, W - right, y, v == 0 ? "#0b0c0c" : "#dcdcdc"));
    // Steps under 1 on a whole-number unit keep their decimals, so ticks stay distinct.
    std::string tick = FormatNumber(v, f.unit());
    if (UnitDecimals(f.unit()) == 0 && std::fabs(step - std::round(step)) > 1e-9)
      tick = absl::StrCat(absl::StrFormat("%g", v), IsPercentUnit(f.unit()) ? "%" : "");
    absl::StrAppend(&svg, absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#0b0c0c\">%s</text>\n",
                                          left - 8, y + 4, HtmlEscape(tick)));
  }
  absl::StrAppend(&svg, absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#0b0c0c\"/>\n",
                                        left, top, left, base));
  absl::StrAppend(&svg, absl::StrFormat("<text transform=\"translate(16 %.1f) rotate(-90)\" text-anchor=\"middle\" "
                                        "fill=\"#0b0c0c\">%s</text>\n",
                                        top + plot_h / 2, HtmlEscape(f.y_label())));
  // The LA's bars with their values.
  const double bar_w = std::min(56.0, slot * 0.6);
  for (int i = 0; i < n; ++i) {
    const v1::Cell& c = i < own.values_size() ? own.values(i) : v1::Cell::default_instance();
    const double x = X(i);
    if (c.has_value()) {
      const double y = Y(std::max(0.0, c.value()));
      absl::StrAppend(&svg, absl::StrFormat("<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                                            "fill=\"%s\"><title>%s %s: %s</title></rect>\n",
                                            x - bar_w / 2, y, bar_w, base - y, kBarColour, HtmlEscape(own.label()),
                                            HtmlEscape(f.periods(i)), HtmlEscape(FormatValue(c, f.unit()))));
      absl::StrAppend(&svg, absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-weight=\"bold\" "
                                            "fill=\"#0b0c0c\">%s</text>\n",
                                            x, y - 6, HtmlEscape(FormatValue(c, f.unit()))));
    } else {
      absl::StrAppend(&svg, absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-style=\"italic\" "
                                            "fill=\"#505a5f\" font-size=\"11\">%s</text>\n",
                                            x, base - 8, HtmlEscape(FormatValue(c, f.unit()))));
    }
    absl::StrAppend(&svg, absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#0b0c0c\">%s"
                                          "</text>\n",
                                          x, base + 18, HtmlEscape(YearSlash(f.periods(i)))));
  }
  // Comparator lines: a path through the years with a value, broken at gaps.
  for (const auto& l : lines) {
    if (!l.drawn) continue;
    std::string d;
    bool pen = false;
    std::string markers;
    for (int i = 0; i < n && i < l.s->values_size(); ++i) {
      const v1::Cell& c = l.s->values(i);
      if (!c.has_value()) {
        pen = false;
        continue;
      }
      absl::StrAppend(&d, absl::StrFormat("%s%.1f %.1f ", pen ? "L" : "M", X(i), Y(c.value())));
      pen = true;
      absl::StrAppend(&markers, Marker(l.style.marker, X(i), Y(c.value()), l.style.colour));
    }
    absl::StrAppend(&svg, absl::StrFormat("<g class=\"series\"><path d=\"%s\" fill=\"none\" stroke=\"%s\" "
                                          "stroke-width=\"2.5\"%s/>%s</g>\n",
                                          d, l.style.colour,
                                          *l.style.dash ? absl::StrCat(" stroke-dasharray=\"", l.style.dash, "\"") : "",
                                          markers));
  }
  // Legend, two entries a row below the axis.
  double lx = left, ly = base + 46;
  auto legend_entry = [&](const std::string& swatch, const std::string& text) {
    absl::StrAppend(&svg, "<g class=\"legend\">", swatch,
                    absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" fill=\"#0b0c0c\">%s</text></g>\n", lx + 34, ly + 4,
                                    HtmlEscape(text)));
    lx += plot_w / 2;
    if (lx > left + plot_w - 1) {
      lx = left;
      ly += 22;
    }
  };
  legend_entry(absl::StrFormat("<rect x=\"%.1f\" y=\"%.1f\" width=\"24\" height=\"12\" fill=\"%s\"/>", lx, ly - 6,
                               kBarColour),
               own.label());
  for (const auto& l : lines) {
    std::string swatch;
    if (l.drawn) {
      swatch = absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2.5\"%s/>",
                               lx, ly, lx + 24, ly, l.style.colour,
                               *l.style.dash ? absl::StrCat(" stroke-dasharray=\"", l.style.dash, "\"") : "");
      absl::StrAppend(&swatch, Marker(l.style.marker, lx + 12, ly, l.style.colour));
    }
    std::string text = l.s->label();
    if (!l.any) absl::StrAppend(&text, ": not available");
    else if (!l.drawn) absl::StrAppend(&text, ": not drawn (different scale, see table)");
    legend_entry(swatch, text);
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace carestat
