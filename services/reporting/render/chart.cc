#include "services/reporting/render/chart.h"

#include <algorithm>
#include <cmath>
#include <optional>
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
constexpr char kBandColour[] = "#d06a00";   // the projection's colour (the first line's)

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

// Layout of the value labels. Label positions are chosen here, before any SVG is
// written, from estimated text boxes: a value label must not cover a comparator's
// marker or another label (issue 16: Figure 2's England diamond hid the LA's 42.8).
// Widths are estimated from Arial's (and Liberation Sans's, its metric twin) advance
// widths, rounded up, so a box here is a little wider than the one a browser draws; the
// Chromium test measures the real ones.
struct Box {
  double x0, y0, x1, y1;
  bool Hits(const Box& o, double pad) const {
    return x0 - pad < o.x1 && o.x0 < x1 + pad && y0 - pad < o.y1 && o.y0 < y1 + pad;
  }
};

double TextWidth(const std::string& text, double size, bool bold) {
  double em = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) == 0x80) continue;   // a UTF-8 continuation byte: counted with its lead byte
    if (c == '.' || c == ',' || c == ' ' || c == 'i' || c == 'l' || c == 'j' || c == '\'' || c == '/' || c == '(' ||
        c == ')' || c == 't' || c == 'f' || c == 'r' || c == 'I' || c == ':')
      em += 0.34;
    else if (c == '%' || c == 'm' || c == 'w' || c == 'M' || c == 'W')
      em += 0.9;
    else if (c >= 'A' && c <= 'Z')
      em += 0.73;
    else
      em += 0.58;
  }
  return em * size * (bold ? 1.06 : 1.0);
}

// The box of a text of `size` px drawn at (x, baseline) with text-anchor middle.
Box TextBox(double x, double baseline, double width, double size) {
  return {x - width / 2, baseline - 0.92 * size, x + width / 2, baseline + 0.24 * size};
}

Box MarkerBox(const char* kind, double x, double y) {
  const double r = std::string(kind) == "square" ? 4 : std::string(kind) == "diamond" ? 5 : 4.5;
  return {x - r, y - r, x + r, y + r};
}

struct Segment {
  double x1, y1, x2, y2;
  // Whether the segment passes through `b`: it is straight, so over the part of its x
  // range inside the box its y runs between the two ends of that part.
  bool Crosses(const Box& b) const {
    const double lo = std::max(b.x0, std::min(x1, x2)), hi = std::min(b.x1, std::max(x1, x2));
    if (lo > hi) return false;
    auto y_at = [&](double x) { return x2 == x1 ? y1 : y1 + (y2 - y1) * (x - x1) / (x2 - x1); };
    const double a = y_at(lo), c = y_at(hi);
    return std::max(a, c) >= b.y0 && std::min(a, c) <= b.y1;
  }
};

}  // namespace

std::string SvgChart(const v1::Figure& f, const std::string& id) {
  const double W = 720, right = 20, top = 24, plot_h = 230;
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
  // A band (a forecast's): one shaded area between its two edges, never lines.
  const v1::FigureSeries* band_lower = nullptr;
  const v1::FigureSeries* band_upper = nullptr;
  int styled = 0;
  for (int i = 1; i < f.series_size(); ++i) {
    const auto& s = f.series(i);
    if (s.role() == "band_lower" || s.role() == "band_upper") {
      (s.role() == "band_lower" ? band_lower : band_upper) = &s;
      continue;
    }
    const double m = MaxOf(s);
    const bool any = AnyValue(s);
    const bool same_scale = own_max <= 0 || (m <= own_max * 5 && m >= own_max / 5);
    lines.push_back({&s, kStyles[styled++ % 3], any && same_scale, any});
    if (any && same_scale) top_value = std::max(top_value, m);
  }
  const bool band = band_lower && band_upper && AnyValue(*band_lower) && AnyValue(*band_upper);
  if (band) top_value = std::max(top_value, MaxOf(*band_upper));
  double ymax, step;
  NiceScale(top_value > 0 ? top_value : 10, &ymax, &step);

  // Tick labels first: the widest sets the left margin, so a long one ("100,000") never
  // runs into the rotated axis title (drawn about x 9 to 23).
  std::vector<std::pair<double, std::string>> ticks;
  double tick_w = 0;
  for (int k = 0; k * step <= ymax + step / 2; ++k) {
    const double v = k * step;
    // Steps under 1 on a whole-number unit keep their decimals, so ticks stay distinct.
    std::string tick = FormatNumber(v, f.unit());
    if (UnitDecimals(f.unit()) == 0 && std::fabs(step - std::round(step)) > 1e-9)
      tick = absl::StrCat(absl::StrFormat("%g", v), IsPercentUnit(f.unit()) ? "%" : "");
    tick_w = std::max(tick_w, TextWidth(tick, 12, false));
    ticks.emplace_back(v, std::move(tick));
  }
  const double left = std::max(70.0, std::ceil(tick_w) + 36);
  const double plot_w = W - left - right, base = top + plot_h;
  auto Y = [&](double v) { return base - v / ymax * plot_h; };
  const double slot = plot_w / n;
  auto X = [&](int i) { return left + slot * (i + 0.5); };
  const double bar_w = std::min(56.0, slot * 0.6);

  // The legend: two entries a row, or one when a label would not fit half the width.
  std::vector<std::string> legend_texts = {own.label()};
  for (const auto& l : lines) {
    std::string text = l.s->label();
    if (!l.any) absl::StrAppend(&text, ": not available");
    else if (!l.drawn) absl::StrAppend(&text, ": not drawn (different scale, see table)");
    legend_texts.push_back(std::move(text));
  }
  std::string band_text;
  if (band) {
    // "Band: 5th percentile" and "Band: 95th percentile" -> "Band: 5th to 95th percentile".
    std::string low = band_lower->label();
    const std::string suffix = " percentile";
    if (low.size() > suffix.size() && low.compare(low.size() - suffix.size(), suffix.size(), suffix) == 0)
      low.resize(low.size() - suffix.size());
    std::string high = band_upper->label();
    if (high.rfind("Band: ", 0) == 0) high = high.substr(6);
    band_text = absl::StrCat(low, " to ", high);
    legend_texts.push_back(band_text);
  }
  int columns = 2;
  for (const auto& t : legend_texts) {
    if (34 + TextWidth(t, 12, false) > plot_w / 2 - 12) columns = 1;
  }
  const int legend_rows = (static_cast<int>(legend_texts.size()) + columns - 1) / columns;
  const double legend_top = base + 46;
  const double H = std::ceil(legend_top + 22 * (legend_rows - 1) + 18);

  // The comparators' markers and line segments, where they will be drawn.
  std::vector<Box> markers;
  std::vector<Segment> segments;
  for (const auto& l : lines) {
    if (!l.drawn) continue;
    bool pen = false;
    double px = 0, py = 0;
    for (int i = 0; i < n && i < l.s->values_size(); ++i) {
      const v1::Cell& c = l.s->values(i);
      if (!c.has_value()) {
        pen = false;
        continue;
      }
      const double x = X(i), y = Y(c.value());
      markers.push_back(MarkerBox(l.style.marker, x, y));
      if (pen) segments.push_back({px, py, x, y});
      px = x, py = y, pen = true;
    }
  }

  // Each period's label: the LA's value above its bar where that is clear, otherwise the
  // nearest clear place above or below a marker, or inside the bar's top (in white).
  // "Clear" means no marker and no label already placed within 1.5 px; a comparator's
  // line through a label only costs, as the label is drawn over it with a white halo.
  struct Label {
    double x, baseline;
    std::string text;
    bool value, inside;
  };
  std::vector<Label> labels;
  std::vector<Box> placed;
  for (int i = 0; i < n; ++i) {
    const v1::Cell& c = i < own.values_size() ? own.values(i) : v1::Cell::default_instance();
    const double x = X(i);
    const std::string text = FormatValue(c, f.unit());
    const bool value = c.has_value();
    const double size = value ? 12 : 11;
    const double w = TextWidth(text, size, value) + 2;
    const double bar_top = value ? Y(std::max(0.0, c.value())) : base;
    const double preferred = value ? bar_top - 6 : base - 8;
    std::vector<double> candidates = {preferred};
    if (value) candidates.push_back(bar_top + 3 + 0.92 * size);
    for (double up = 1; up <= 12; ++up) candidates.push_back(preferred - up * 14);
    for (const Box& m : markers) {
      if (m.x1 < x - w / 2 || m.x0 > x + w / 2) continue;
      candidates.push_back(m.y0 - 3 - 0.24 * size);
      candidates.push_back(m.y1 + 3 + 0.92 * size);
    }
    double best_cost = 1e18;
    std::optional<std::pair<double, bool>> best;   // baseline, inside the bar
    for (double baseline : candidates) {
      const Box b = TextBox(x, baseline, w, size);
      const bool inside = value && b.y0 >= bar_top;
      if (b.y0 < 1 || b.y1 > base - 1) continue;
      // A label sits wholly on the white above the bar or wholly inside it, never across its top.
      if (value && b.y1 > bar_top - 1 && b.y0 < bar_top + 2) continue;
      if (inside && w > bar_w - 4) continue;   // white text wider than the bar would vanish on the white
      bool clear = true;
      for (const Box& m : markers) clear = clear && !b.Hits(m, 1.5);
      for (const Box& p : placed) clear = clear && !b.Hits(p, 1.5);
      if (!clear) continue;
      double cost = std::fabs(baseline - preferred) + (inside ? 12 : 0);
      for (const Segment& s : segments) cost += s.Crosses(b) ? 30 : 0;
      if (cost < best_cost) best_cost = cost, best = {baseline, inside};
    }
    if (!best) {   // nowhere clear (dozens of periods, markers everywhere): above everything
      double highest = bar_top;
      for (const Box& m : markers) highest = std::min(highest, m.y0);
      best = {std::max(1 + 0.92 * size, highest - 4 - 0.24 * size), false};
    }
    placed.push_back(TextBox(x, best->first, w, size));
    labels.push_back({x, best->first, text, value, best->second});
  }

  std::string desc = absl::StrCat("Bar chart of ", f.title(), " for ", own.label(), ", ", f.periods(0), " to ",
                                  f.periods(n - 1), ".");
  for (const auto& l : lines) {
    absl::StrAppend(&desc, " ", l.s->label(),
                    l.drawn ? ": line." : (l.any ? ": not drawn (different scale)." : ": not available."));
  }
  if (band) absl::StrAppend(&desc, " ", band_text, ": shaded area.");
  absl::StrAppend(&desc, " The figures are in the table that follows the chart.");

  std::string svg = absl::StrFormat(
      "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" role=\"img\" aria-labelledby=\"%s-title "
      "%s-desc\" font-family=\"Arial, Helvetica, sans-serif\" font-size=\"12\">\n"
      "<title id=\"%s-title\">Figure %s: %s</title>\n<desc id=\"%s-desc\">%s</desc>\n",
      W, H, id, id, id, HtmlEscape(f.number()), HtmlEscape(f.title()), id, HtmlEscape(desc));
  // Gridlines and the y axis.
  for (const auto& [v, tick] : ticks) {
    const double y = Y(v);
    absl::StrAppend(&svg, absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                                          "stroke-width=\"1\"/>\n",
                                          left, y, W - right, y, v == 0 ? "#0b0c0c" : "#dcdcdc"));
    absl::StrAppend(&svg, absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#0b0c0c\">%s</text>\n",
                                          left - 8, y + 4, HtmlEscape(tick)));
  }
  absl::StrAppend(&svg, absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#0b0c0c\"/>\n",
                                        left, top, left, base));
  absl::StrAppend(&svg, absl::StrFormat("<text transform=\"translate(16 %.1f) rotate(-90)\" text-anchor=\"middle\" "
                                        "fill=\"#0b0c0c\">%s</text>\n",
                                        top + plot_h / 2, HtmlEscape(f.y_label())));
  // The band under everything else: along its upper edge, back along its lower edge.
  if (band) {
    std::vector<std::pair<double, double>> upper_pts, lower_pts;
    for (int i = 0; i < n; ++i) {
      if (i >= band_lower->values_size() || i >= band_upper->values_size()) break;
      const v1::Cell& lo = band_lower->values(i);
      const v1::Cell& hi = band_upper->values(i);
      if (!lo.has_value() || !hi.has_value()) continue;
      upper_pts.emplace_back(X(i), Y(hi.value()));
      lower_pts.emplace_back(X(i), Y(lo.value()));
    }
    std::string d;
    for (size_t k = 0; k < upper_pts.size(); ++k)
      absl::StrAppend(&d, absl::StrFormat("%s%.1f %.1f ", k ? "L" : "M", upper_pts[k].first, upper_pts[k].second));
    for (size_t k = lower_pts.size(); k-- > 0;)
      absl::StrAppend(&d, absl::StrFormat("L%.1f %.1f ", lower_pts[k].first, lower_pts[k].second));
    absl::StrAppend(&svg, absl::StrFormat("<path class=\"band\" d=\"%sZ\" fill=\"%s\" fill-opacity=\"0.25\" "
                                          "stroke=\"%s\" stroke-width=\"1\" stroke-dasharray=\"3 3\"/>\n",
                                          d, kBandColour, kBandColour));
  }
  // The LA's bars and the period labels.
  for (int i = 0; i < n; ++i) {
    const v1::Cell& c = i < own.values_size() ? own.values(i) : v1::Cell::default_instance();
    const double x = X(i);
    if (c.has_value()) {
      const double y = Y(std::max(0.0, c.value()));
      absl::StrAppend(&svg, absl::StrFormat("<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                                            "fill=\"%s\"><title>%s %s: %s</title></rect>\n",
                                            x - bar_w / 2, y, bar_w, base - y, kBarColour, HtmlEscape(own.label()),
                                            HtmlEscape(f.periods(i)), HtmlEscape(FormatValue(c, f.unit()))));
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
    std::string marks;
    for (int i = 0; i < n && i < l.s->values_size(); ++i) {
      const v1::Cell& c = l.s->values(i);
      if (!c.has_value()) {
        pen = false;
        continue;
      }
      absl::StrAppend(&d, absl::StrFormat("%s%.1f %.1f ", pen ? "L" : "M", X(i), Y(c.value())));
      pen = true;
      absl::StrAppend(&marks, Marker(l.style.marker, X(i), Y(c.value()), l.style.colour));
    }
    absl::StrAppend(&svg, absl::StrFormat("<g class=\"series\"><path d=\"%s\" fill=\"none\" stroke=\"%s\" "
                                          "stroke-width=\"2.5\"%s/>%s</g>\n",
                                          d, l.style.colour,
                                          *l.style.dash ? absl::StrCat(" stroke-dasharray=\"", l.style.dash, "\"") : "",
                                          marks));
  }
  // The value labels last, over the lines: on white with a white halo so a line under
  // one does not cut its digits, or in white inside the bar.
  for (const Label& l : labels) {
    if (!l.value) {
      absl::StrAppend(&svg, absl::StrFormat("<text class=\"value\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                                            "font-style=\"italic\" fill=\"#505a5f\" font-size=\"11\" stroke=\"#fff\" "
                                            "stroke-width=\"3\" paint-order=\"stroke\">%s</text>\n",
                                            l.x, l.baseline, HtmlEscape(l.text)));
    } else {
      absl::StrAppend(&svg, absl::StrFormat("<text class=\"value\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                                            "font-weight=\"bold\" fill=\"%s\"%s>%s</text>\n",
                                            l.x, l.baseline, l.inside ? "#fff" : "#0b0c0c",
                                            l.inside ? "" : " stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\"",
                                            HtmlEscape(l.text)));
    }
  }
  // Legend below the axis.
  double lx = left, ly = legend_top;
  int entry = 0;
  auto legend_entry = [&](const std::string& swatch, const std::string& text) {
    absl::StrAppend(&svg, "<g class=\"legend\">", swatch,
                    absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" fill=\"#0b0c0c\">%s</text></g>\n", lx + 34, ly + 4,
                                    HtmlEscape(text)));
    if (++entry % columns == 0) {
      lx = left;
      ly += 22;
    } else {
      lx += plot_w / 2;
    }
  };
  legend_entry(absl::StrFormat("<rect x=\"%.1f\" y=\"%.1f\" width=\"24\" height=\"12\" fill=\"%s\"/>", lx, ly - 6,
                               kBarColour),
               legend_texts[0]);
  for (size_t k = 0; k < lines.size(); ++k) {
    const Line& l = lines[k];
    std::string swatch;
    if (l.drawn) {
      swatch = absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2.5\"%s/>",
                               lx, ly, lx + 24, ly, l.style.colour,
                               *l.style.dash ? absl::StrCat(" stroke-dasharray=\"", l.style.dash, "\"") : "");
      absl::StrAppend(&swatch, Marker(l.style.marker, lx + 12, ly, l.style.colour));
    }
    legend_entry(swatch, legend_texts[k + 1]);
  }
  if (band)
    legend_entry(absl::StrFormat("<rect x=\"%.1f\" y=\"%.1f\" width=\"24\" height=\"12\" fill=\"%s\" "
                                 "fill-opacity=\"0.25\" stroke=\"%s\" stroke-dasharray=\"3 3\"/>",
                                 lx, ly - 6, kBandColour, kBandColour),
                 band_text);
  svg += "</svg>\n";
  return svg;
}

}  // namespace carestat
