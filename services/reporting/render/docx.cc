// Word (.docx) for both reports: the content and order of the HTML (html.cc), laid out
// for A4 with Word's own styles (Title, Heading 1-4, Caption) so a council can restyle
// it with its template. The self-evaluation's judgement areas are sections of their own
// on A4 landscape, as the HTML prints them, so their eleven-column tables keep figures
// whole. Tables repeat their header row on every page; numbers are right-aligned as in
// the HTML; each chart is the HTML's SVG with a PNG beside it.
#include "services/reporting/render/docx.h"

#include <cairo.h>
#include <librsvg/rsvg.h>
#include <png.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "services/common/text.h"
#include "services/reporting/format.h"
#include "services/reporting/render/chart.h"
#include "services/reporting/render/narrative_text.h"
#include "services/reporting/render/text.h"
#include "services/reporting/reports/narrative.h"
#include "services/reporting/reports/rating.h"

namespace carestat {

namespace {

// Text for XML: valid UTF-8 without control characters (XML 1.0 allows none but tab
// and line ends), then the five markup characters escaped.
std::string X(const std::string& s) { return HtmlEscape(Utf8Text(s, "\xEF\xBF\xBD", true)); }

// A4 portrait with 1.5 cm margins, in twentieths of a point (twips).
constexpr int kPageWidth = 11906, kPageHeight = 16838, kMargin = 851;
constexpr int kTextWidth = kPageWidth - 2 * kMargin;
// A4 landscape, for the self-evaluation's evidence tables (eleven columns, as html.cc
// prints them): the same margins, the page's long side across.
constexpr int kLandscapeTextWidth = kPageHeight - 2 * kMargin;
constexpr long long kEmuPerTwip = 635;   // DrawingML measures in EMU: 914400 an inch
constexpr int kCellMargin = 57;          // 1 mm each side of a table cell's text

// Colours of the HTML's stylesheet (html.cc kCss), so both look like one publication.
constexpr char kHead[] = "1D3F6E", kRule[] = "B1B4B6", kZebra[] = "F3F2F1", kMuted[] = "505A5F",
               kNoteFill[] = "EEF2F7", kBrand[] = "1D70B8", kRed[] = "D4351C";

constexpr char kNamespaces[] =
    "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" "
    "xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" "
    "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" "
    "xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\" "
    "xmlns:asvg=\"http://schemas.microsoft.com/office/drawing/2016/SVG/main\"";

struct Run {
  std::string text;
  bool bold = false;
};

// A table cell: its text (a line break per '\n'), right-aligned when a number, and the
// HTML's look for a figure not available (muted italic) or suppressed (bold).
struct DCell {
  std::string text;
  bool num = false;
  bool muted = false;
  bool bold = false;
  const char* fill = nullptr;     // a rating's colour, as the HTML's badge
  const char* colour = nullptr;   // text colour: white on green or red, a direction's colour
  // The column is at least as wide as the whole text (the HTML's white-space:nowrap), as
  // for a figure: a rank ("rank 12 of 152, quartile A") or a comparator marked with a
  // dagger reads wrong cut in two.
  bool nowrap = false;
};

DCell Num(const v1::Cell& c, const std::string& text) {
  return DCell{text, true, !c.suppressed() && !c.has_value(), c.suppressed()};
}
DCell Word(const std::string& text) { return DCell{text}; }

std::string Runs(const std::vector<Run>& runs) {
  std::string x;
  for (const Run& r : runs) {
    const std::string props = r.bold ? "<w:b/>" : "";
    // A line break is a w:br and a tab a w:tab: Word reads either inside w:t as a space.
    const std::vector<std::string> lines = absl::StrSplit(r.text, '\n');
    for (size_t i = 0; i < lines.size(); ++i) {
      absl::StrAppend(&x, "<w:r>", props.empty() ? "" : absl::StrCat("<w:rPr>", props, "</w:rPr>"),
                      i > 0 ? "<w:br/>" : "");
      const std::vector<std::string> parts = absl::StrSplit(lines[i], '\t');
      for (size_t k = 0; k < parts.size(); ++k) {
        if (k > 0) x += "<w:tab/>";
        if (!parts[k].empty()) absl::StrAppend(&x, "<w:t xml:space=\"preserve\">", X(parts[k]), "</w:t>");
      }
      x += "</w:r>";
    }
  }
  return x;
}

std::string Paragraph(const std::vector<Run>& runs, const std::string& style, bool keep_next = false) {
  std::string ppr;
  if (!style.empty()) absl::StrAppend(&ppr, "<w:pStyle w:val=\"", style, "\"/>");
  if (keep_next) ppr += "<w:keepNext/>";
  return absl::StrCat("<w:p>", ppr.empty() ? "" : absl::StrCat("<w:pPr>", ppr, "</w:pPr>"), Runs(runs), "</w:p>\n");
}

std::string Borders(const char* element) {
  std::string b = absl::StrCat("<w:", element, ">");
  for (const char* side : {"top", "left", "bottom", "right", "insideH", "insideV"})
    absl::StrAppend(&b, "<w:", side, " w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"", kRule, "\"/>");
  return absl::StrCat(b, "</w:", element, ">");
}

// The width of `text` in twips at the tables' 8.5 point Arial, from typical glyph
// widths (a fraction of the em): near enough to size columns, not to typeset.
double TextTwips(absl::string_view text, bool bold) {
  double em = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0xE2 && i + 1 < text.size() && (text[i + 1] == '\x96' || text[i + 1] == '\x97')) {
      em += 1.0;   // U+2580-U+25FF, the directions' triangles and bar: Arial's are an em wide
      i += 2;
    } else if (c >= 0x80) {
      if ((c & 0xC0) != 0x80) em += 0.6;   // one per UTF-8 character, not per byte
    } else if (std::isdigit(c)) {
      em += 0.556;
    } else if (std::isupper(c)) {
      em += 0.67;
    } else if (std::islower(c)) {
      em += c == 'i' || c == 'l' || c == 'j' || c == 't' || c == 'f' || c == 'r' ? 0.3 : 0.53;
    } else {
      em += c == '%' ? 0.89 : 0.3;
    }
  }
  return em * 8.5 * 20 * (bold ? 1.05 : 1.0);
}

// Column widths in twips, from what the cells hold: a column is at least as wide as its
// longest word (a figure or a nowrap cell, as the HTML's white-space:nowrap, whole), the first column
// (what names a row) at least about 3.4 cm when its text is longer, and the width left
// over goes to the columns with longer text (alike when every cell fits on a line).
// When the figures do not fit beside the first column, they shrink alike and Word
// wraps inside words.
std::vector<int> Widths(const std::vector<DCell>& header, const std::vector<std::vector<DCell>>& rows,
                        int text_width = kTextWidth) {
  constexpr double kPadding = 2 * kCellMargin + 40;   // the cell margins and a little slack
  constexpr double kFirstColumn = 1900;
  const size_t n = header.size();
  std::vector<double> need(n, 0), want(n, 0);
  auto measure = [&](const DCell& c, size_t i, bool bold) {
    for (absl::string_view line : absl::StrSplit(c.text, '\n')) {
      const double whole = TextTwips(line, bold || c.bold);
      want[i] = std::max(want[i], std::min(whole, 6000.0));
      if ((c.num && !c.muted && line.find(' ') == absl::string_view::npos) || c.nowrap) {
        need[i] = std::max(need[i], whole);
        continue;
      }
      for (absl::string_view word : absl::StrSplit(line, ' ')) need[i] = std::max(need[i], TextTwips(word, bold || c.bold));
    }
  };
  for (size_t i = 0; i < n; ++i) measure(header[i], i, true);
  for (const auto& row : rows) {
    for (size_t i = 0; i < n && i < row.size(); ++i) measure(row[i], i, false);
  }
  double needed = 0, extra = 0, wanted = 0;
  for (size_t i = 0; i < n; ++i) {
    need[i] += kPadding;
    want[i] = std::max(want[i] + kPadding, need[i]);
    if (i == 0 && n > 1) need[0] = std::max(need[0], std::min(want[0], kFirstColumn));
    needed += need[i];
    wanted += want[i];
    extra += want[i] - need[i];
  }
  if (wanted <= text_width) {
    // Everything fits on one line a cell: the rest of the width is shared alike.
    std::vector<int> out;
    for (size_t i = 0; i < n; ++i) out.push_back(static_cast<int>(want[i] + (text_width - wanted) / n));
    return out;
  }
  std::vector<int> out;
  for (size_t i = 0; i < n; ++i) {
    double w;
    if (needed >= text_width) {
      // The first column keeps its width while it is under half the page.
      const bool keep_first = n > 1 && need[0] < text_width / 2;
      const double first = keep_first ? need[0] : 0;
      w = i == 0 && keep_first ? need[0] : need[i] * (text_width - first) / (needed - first);
    } else if (extra > 0) {
      w = need[i] + (text_width - needed) * (want[i] - need[i]) / extra;
    } else {
      w = need[i] + (text_width - needed) / n;
    }
    out.push_back(static_cast<int>(w));
  }
  return out;
}

std::string CellXml(const DCell& c, int width, const char* fill, const char* style) {
  std::string tcpr = absl::StrCat("<w:tcW w:w=\"", width, "\" w:type=\"dxa\"/>");
  if (c.fill) fill = c.fill;
  if (fill) absl::StrAppend(&tcpr, "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"", fill, "\"/>");
  std::string body;
  const std::vector<std::string> lines = absl::StrSplit(c.text, '\n');
  std::string rpr;
  if (c.bold) rpr += "<w:b/>";
  if (c.muted) rpr += "<w:i/>";
  if (c.colour || c.muted) absl::StrAppend(&rpr, "<w:color w:val=\"", c.colour ? c.colour : kMuted, "\"/>");
  for (size_t i = 0; i < lines.size(); ++i) {
    absl::StrAppend(&body, "<w:r>", rpr.empty() ? "" : absl::StrCat("<w:rPr>", rpr, "</w:rPr>"), i > 0 ? "<w:br/>" : "",
                    "<w:t xml:space=\"preserve\">", X(lines[i]), "</w:t></w:r>");
  }
  return absl::StrCat("<w:tc><w:tcPr>", tcpr, "</w:tcPr><w:p><w:pPr><w:pStyle w:val=\"", style, "\"/>",
                      c.num ? "<w:jc w:val=\"right\"/>" : "", "</w:pPr>", body, "</w:p></w:tc>");
}

// A Word table: the header row repeats on each page (w:tblHeader) and is shaded as the
// HTML's thead; body rows are banded. The borders and shading are given directly as
// well as through the CarestatTable style because LibreOffice applies a table style's
// conditional (first row) formatting only in part.
std::string TableXml(const std::vector<DCell>& header, const std::vector<std::vector<DCell>>& rows,
                     int text_width = kTextWidth) {
  const std::vector<int> widths = Widths(header, rows, text_width);
  std::string x = absl::StrCat("<w:tbl><w:tblPr><w:tblStyle w:val=\"CarestatTable\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/>",
                               Borders("tblBorders"),
                               "<w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"", kCellMargin,
                               "\" w:type=\"dxa\"/><w:right w:w=\"", kCellMargin,
                               "\" w:type=\"dxa\"/></w:tblCellMar><w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" "
                               "w:firstColumn=\"1\" w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>");
  for (int w : widths) absl::StrAppend(&x, "<w:gridCol w:w=\"", w, "\"/>");
  x += "</w:tblGrid>\n<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>";
  for (size_t i = 0; i < header.size(); ++i) x += CellXml(header[i], widths[i], kHead, "TableHeading");
  x += "</w:tr>\n";
  for (size_t r = 0; r < rows.size(); ++r) {
    x += "<w:tr><w:trPr><w:cantSplit/></w:trPr>";
    for (size_t i = 0; i < header.size(); ++i) {
      const DCell c = i < rows[r].size() ? rows[r][i] : DCell{};
      x += CellXml(c, widths[i], r % 2 == 1 ? kZebra : nullptr, "TableText");
    }
    x += "</w:tr>\n";
  }
  return x + "</w:tbl>\n";
}

std::string Capitalised(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

// The HTML's rating badge: the word, on the rating's colour (never the colour alone).
DCell RatingCell(v1::Rating r) {
  DCell c{Capitalised(RatingName(r))};
  c.bold = r == v1::GREEN || r == v1::AMBER || r == v1::RED;
  c.fill = r == v1::GREEN ? "00703C" : r == v1::AMBER ? "FFDD00" : r == v1::RED ? kRed : nullptr;
  c.colour = r == v1::GREEN || r == v1::RED ? "FFFFFF" : r == v1::AMBER ? nullptr : kMuted;
  return c;
}
// The HTML's direction: a mark and the word, green when improving, red when deteriorating.
DCell DirectionCell(v1::Direction d) {
  const char* mark = d == v1::IMPROVING ? "\u25B2 " : d == v1::DETERIORATING ? "\u25BC " : d == v1::STABLE ? "\u25AC " : "";
  DCell c{absl::StrCat(mark, DirectionName(d))};
  c.bold = d == v1::IMPROVING || d == v1::DETERIORATING;
  c.colour = d == v1::IMPROVING ? "00703C" : d == v1::DETERIORATING ? kRed : d == v1::STABLE ? nullptr : kMuted;
  return c;
}

struct Part {
  std::string name;
  std::string content;
};

// A section's page: A4 portrait or landscape, the margins, and the footer (every
// section names it, so each prints "Page N of M" whatever Word does with inheritance).
std::string SectionProperties(bool landscape) {
  return absl::StrCat("<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/><w:pgSz w:w=\"",
                      landscape ? kPageHeight : kPageWidth, "\" w:h=\"", landscape ? kPageWidth : kPageHeight, "\"",
                      landscape ? " w:orient=\"landscape\"" : "", "/><w:pgMar w:top=\"", kMargin, "\" w:right=\"",
                      kMargin, "\" w:bottom=\"", kMargin, "\" w:left=\"", kMargin,
                      "\" w:header=\"425\" w:footer=\"425\" w:gutter=\"0\"/></w:sectPr>");
}

// The document being written: its body and the media parts its charts add.
class Doc {
 public:
  void Title(const std::string& text) { body_ += Paragraph({{text}}, "Title", true); }
  void Heading(int level, const std::string& text) {
    body_ += Paragraph({{text}}, absl::StrCat("Heading", level), true);
  }
  void Para(const std::string& text, const std::string& style = "") { body_ += Paragraph({{text}}, style); }
  void Para(const std::vector<Run>& runs, const std::string& style = "") { body_ += Paragraph(runs, style); }
  // A list item (the HTML's <li> and summary cards): a bullet, then the runs.
  void Bullet(std::vector<Run> runs) {
    runs.insert(runs.begin(), Run{"\u2022\t"});
    body_ += Paragraph(runs, "ListBullet");
  }
  // The note boxes of the HTML (p.note; p.internal has a red rule).
  void Note(const std::string& text, bool internal = false) { body_ += Paragraph({{text}}, internal ? "InternalNote" : "Note"); }
  void Source(const std::string& text) { body_ += Paragraph({{text}}, "Source"); }
  void Table(const std::string& caption, const std::vector<DCell>& header, const std::vector<std::vector<DCell>>& rows) {
    if (!caption.empty()) body_ += Paragraph({{caption}}, "Caption", true);
    body_ += TableXml(header, rows, landscape_ ? kLandscapeTextWidth : kTextWidth);
  }
  // Ends the section so far (its page as it was) and starts a new one on a new page, A4
  // landscape or portrait. Word keeps a section's page in the w:sectPr of the paragraph
  // that ends it; the last section's is the body's own (Zip).
  void NewSection(bool landscape) {
    body_ += absl::StrCat("<w:p><w:pPr>", SectionProperties(landscape_), "</w:pPr></w:p>\n");
    landscape_ = landscape;
  }
  void Raw(const std::string& xml) { body_ += xml; }

  // A chart: the caption, the image (PNG, with the SVG through the svgBlip extension),
  // the chart's figures as a table (the HTML gives them to screen readers) and its source.
  absl::Status Figure(const v1::Figure& f) {
    const std::string caption = absl::StrCat("Figure ", f.number(), ": ", f.title());
    body_ += Paragraph({{caption}}, "Caption", true);
    bool neighbours = false;
    for (const auto& s : f.series()) neighbours = neighbours || s.entity().rfind("SN:", 0) == 0;
    const std::string source = absl::StrCat(
        "Source: ", f.source(), neighbours ? ". Statistical neighbours: the average of the council's statistical neighbours." : "");
    const std::string svg = SvgChart(f, f.id() + "-chart");
    if (svg.empty()) {  // nothing to draw (a projection metrics could not make): its gap says why
      Para("No chart: nothing to draw.");
      Source(source);
      if (!f.gap().empty()) Para(absl::StrCat("Missing: ", f.gap()));
      return absl::OkStatus();
    }
    auto image = RasteriseChart(svg);
    if (!image.ok()) {
      return absl::InternalError(absl::StrCat("figure ", f.number(), " (", f.id(), "): ", image.status().message()));
    }
    ++images_;
    const std::string png_rel = absl::StrCat("rIdImage", images_, "png"), svg_rel = absl::StrCat("rIdImage", images_, "svg");
    const std::string stem = absl::StrCat("media/figure", images_);
    parts_.push_back({"word/" + stem + ".png", image->png});
    parts_.push_back({"word/" + stem + ".svg", image->svg});
    absl::StrAppend(&rels_, "<Relationship Id=\"", png_rel,
                    "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"",
                    stem, ".png\"/>\n<Relationship Id=\"", svg_rel,
                    "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"",
                    stem, ".svg\"/>\n");
    const long long cx = kTextWidth * kEmuPerTwip;
    const long long cy = std::llround(cx * image->height / image->width);
    const std::string descr = X(absl::StrCat(caption, ". The figures are in the table that follows the chart."));
    body_ += absl::StrCat(
        "<w:p><w:pPr><w:pStyle w:val=\"Figure\"/><w:keepNext/></w:pPr><w:r><w:drawing>"
        "<wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent cx=\"", cx, "\" cy=\"", cy,
        "\"/><wp:docPr id=\"", images_, "\" name=\"Figure ", X(f.number()), "\" descr=\"", descr,
        "\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr>"
        "<a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:pic>"
        "<pic:nvPicPr><pic:cNvPr id=\"", images_, "\" name=\"figure", images_, ".png\" descr=\"", descr,
        "\"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed=\"", png_rel,
        "\"><a:extLst><a:ext uri=\"{96DAC541-7B7A-43D3-8B79-37D633B846F1}\"><asvg:svgBlip r:embed=\"", svg_rel,
        "\"/></a:ext></a:extLst></a:blip><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm>"
        "<a:off x=\"0\" y=\"0\"/><a:ext cx=\"", cx, "\" cy=\"", cy,
        "\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData>"
        "</a:graphic></wp:inline></w:drawing></w:r></w:p>\n");

    std::vector<DCell> header = {Word("Series")};
    for (const auto& p : f.periods()) header.push_back(DCell{YearSlash(p), true});
    std::vector<std::vector<DCell>> rows;
    for (const auto& s : f.series()) {
      std::vector<DCell> row = {Word(s.label())};
      for (const auto& v : s.values()) row.push_back(Num(v, FormatValue(v, f.unit())));
      rows.push_back(std::move(row));
    }
    Table(absl::StrCat("Data for figure ", f.number(), ": ", f.title()), header, rows);
    Source(source);
    if (!f.gap().empty()) Para(absl::StrCat("Missing: ", f.gap()));
    return absl::OkStatus();
  }

  // The .docx: every part zipped. `footer` is the text before "Page N of M".
  absl::StatusOr<std::string> Zip(const std::string& title, const std::string& footer, int64_t generated_ms) const;

 private:
  std::string body_;
  std::string rels_;
  std::vector<Part> parts_;
  int images_ = 0;
  bool landscape_ = false;   // the page of the section being written
};

std::string StylesXml() {
  auto para_style = [](const char* id, const char* name, const std::string& ppr, const std::string& rpr,
                       bool heading_level = false, int outline = 0) {
    return absl::StrCat("<w:style w:type=\"paragraph\" w:styleId=\"", id, "\"><w:name w:val=\"", name,
                        "\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr>", ppr,
                        heading_level ? absl::StrCat("<w:outlineLvl w:val=\"", outline, "\"/>") : "", "</w:pPr><w:rPr>",
                        rpr, "</w:rPr></w:style>\n");
  };
  std::string s = absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles ", kNamespaces, ">\n",
      "<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Arial\" w:hAnsi=\"Arial\" w:eastAsia=\"Arial\" "
      "w:cs=\"Arial\"/><w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/><w:lang w:val=\"en-GB\"/></w:rPr></w:rPrDefault>"
      "<w:pPrDefault><w:pPr><w:spacing w:after=\"120\" w:line=\"264\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault>"
      "</w:docDefaults>\n",
      "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/>"
      "</w:style>\n",
      para_style("Title", "Title", "<w:spacing w:before=\"120\" w:after=\"240\"/>",
                 absl::StrCat("<w:b/><w:color w:val=\"0B0C0C\"/><w:sz w:val=\"40\"/><w:szCs w:val=\"40\"/>")),
      para_style("Heading1", "heading 1",
                 absl::StrCat("<w:keepNext/><w:keepLines/><w:pBdr><w:bottom w:val=\"single\" w:sz=\"12\" w:space=\"2\" "
                              "w:color=\"", kHead, "\"/></w:pBdr><w:spacing w:before=\"360\" w:after=\"120\"/>"),
                 absl::StrCat("<w:b/><w:color w:val=\"", kHead, "\"/><w:sz w:val=\"30\"/><w:szCs w:val=\"30\"/>"), true, 0),
      para_style("Heading2", "heading 2", "<w:keepNext/><w:keepLines/><w:spacing w:before=\"240\" w:after=\"80\"/>",
                 absl::StrCat("<w:b/><w:color w:val=\"", kHead, "\"/><w:sz w:val=\"25\"/><w:szCs w:val=\"25\"/>"), true, 1),
      para_style("Heading3", "heading 3", "<w:keepNext/><w:keepLines/><w:spacing w:before=\"200\" w:after=\"60\"/>",
                 "<w:b/><w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/>", true, 2),
      // The self-evaluation's h5 (under "Data quality"): as the HTML's, a little smaller.
      para_style("Heading4", "heading 4", "<w:keepNext/><w:keepLines/><w:spacing w:before=\"160\" w:after=\"60\"/>",
                 "<w:b/><w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/>", true, 3),
      // What the HTML prints muted and italic: a slot not yet written, "None." for a list.
      para_style("Placeholder", "Placeholder", "",
                 absl::StrCat("<w:i/><w:color w:val=\"", kMuted, "\"/>")),
      para_style("Caption", "caption", "<w:keepNext/><w:spacing w:before=\"160\" w:after=\"80\"/>",
                 "<w:b/><w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/>"),
      para_style("Organisation", "Organisation", "<w:pBdr><w:top w:val=\"single\" w:sz=\"48\" w:space=\"6\" w:color=\"" +
                                                    std::string(kHead) + "\"/></w:pBdr><w:spacing w:after=\"0\"/>",
                 absl::StrCat("<w:b/><w:caps/><w:color w:val=\"", kHead, "\"/><w:spacing w:val=\"20\"/>")),
      para_style("Source", "Source", "<w:spacing w:before=\"40\" w:after=\"200\"/>",
                 absl::StrCat("<w:color w:val=\"", kMuted, "\"/><w:sz w:val=\"16\"/><w:szCs w:val=\"16\"/>")),
      para_style("Note", "Note",
                 absl::StrCat("<w:pBdr><w:left w:val=\"single\" w:sz=\"36\" w:space=\"6\" w:color=\"", kBrand,
                              "\"/></w:pBdr><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"", kNoteFill,
                              "\"/><w:ind w:left=\"160\"/>"),
                 "<w:sz w:val=\"19\"/><w:szCs w:val=\"19\"/>"),
      para_style("InternalNote", "Internal note",
                 absl::StrCat("<w:pBdr><w:left w:val=\"single\" w:sz=\"36\" w:space=\"6\" w:color=\"", kRed,
                              "\"/></w:pBdr><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"", kNoteFill,
                              "\"/><w:ind w:left=\"160\"/>"),
                 "<w:sz w:val=\"19\"/><w:szCs w:val=\"19\"/>"),
      para_style("ListBullet", "List Bullet", "<w:spacing w:after=\"80\"/><w:ind w:left=\"284\" w:hanging=\"284\"/>", ""),
      para_style("Figure", "Figure", "<w:keepNext/><w:spacing w:after=\"60\"/>", ""),
      para_style("TableText", "Table Text", "<w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>",
                 "<w:sz w:val=\"17\"/><w:szCs w:val=\"17\"/>"),
      para_style("TableHeading", "Table Heading", "<w:keepNext/><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>",
                 "<w:b/><w:color w:val=\"FFFFFF\"/><w:sz w:val=\"17\"/><w:szCs w:val=\"17\"/>"),
      para_style("Footer", "footer", "<w:spacing w:after=\"0\"/><w:jc w:val=\"center\"/>",
                 absl::StrCat("<w:color w:val=\"", kMuted, "\"/><w:sz w:val=\"16\"/><w:szCs w:val=\"16\"/>")));
  // The table style: borders, cell margins, and a first (header) row of white bold on
  // the HTML's heading blue.
  absl::StrAppend(&s, "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>"
                      "<w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/>"
                      "<w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" "
                      "w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>\n"
                      "<w:style w:type=\"table\" w:styleId=\"CarestatTable\"><w:name w:val=\"Carestat Table\"/>"
                      "<w:basedOn w:val=\"TableNormal\"/><w:qFormat/><w:pPr><w:spacing w:after=\"0\"/></w:pPr><w:tblPr>",
                  Borders("tblBorders"),
                  "<w:tblCellMar><w:top w:w=\"40\" w:type=\"dxa\"/><w:left w:w=\"", kCellMargin,
                  "\" w:type=\"dxa\"/><w:bottom w:w=\"40\" w:type=\"dxa\"/><w:right w:w=\"", kCellMargin,
                  "\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr>"
                  "<w:tblStylePr w:type=\"firstRow\"><w:rPr><w:b/><w:color w:val=\"FFFFFF\"/></w:rPr><w:trPr><w:tblHeader/>"
                  "</w:trPr><w:tcPr><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"",
                  kHead, "\"/></w:tcPr></w:tblStylePr></w:style>\n"
                         "<w:style w:type=\"table\" w:styleId=\"CoverTable\"><w:name w:val=\"Cover Table\"/>"
                         "<w:basedOn w:val=\"TableNormal\"/><w:tblPr>",
                  Borders("tblBorders"),
                  "<w:tblCellMar><w:top w:w=\"40\" w:type=\"dxa\"/><w:left w:w=\"80\" w:type=\"dxa\"/><w:bottom w:w=\"40\" "
                  "w:type=\"dxa\"/><w:right w:w=\"80\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr>"
                  "<w:tblStylePr w:type=\"firstCol\"><w:rPr><w:b/></w:rPr><w:tcPr><w:shd w:val=\"clear\" w:color=\"auto\" "
                  "w:fill=\"",
                  kNoteFill, "\"/></w:tcPr></w:tblStylePr></w:style>\n</w:styles>\n");
  return s;
}

// The date a zip entry carries: the report's generated date, so the same report gives
// the same bytes; 1 January 1980 (the earliest zip can hold) when it has none.
tm_zip ZipDate(int64_t generated_ms) {
  tm_zip z{};
  z.tm_year = 1980;
  z.tm_mday = 1;
  if (generated_ms > 0) {
    std::time_t t = static_cast<std::time_t>(generated_ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    if (tm.tm_year + 1900 >= 1980) {
      z.tm_year = static_cast<unsigned>(tm.tm_year + 1900);
      z.tm_mon = static_cast<unsigned>(tm.tm_mon);
      z.tm_mday = static_cast<unsigned>(tm.tm_mday);
      z.tm_hour = static_cast<unsigned>(tm.tm_hour);
      z.tm_min = static_cast<unsigned>(tm.tm_min);
      z.tm_sec = static_cast<unsigned>(tm.tm_sec);
    }
  }
  return z;
}

absl::StatusOr<std::string> Doc::Zip(const std::string& title, const std::string& footer, int64_t generated_ms) const {
  std::vector<Part> parts;
  parts.push_back({"[Content_Types].xml",
                   "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                   "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                   "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                   "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                   "<Default Extension=\"png\" ContentType=\"image/png\"/>"
                   "<Default Extension=\"svg\" ContentType=\"image/svg+xml\"/>"
                   "<Override PartName=\"/word/document.xml\" "
                   "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
                   "<Override PartName=\"/word/styles.xml\" "
                   "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
                   "<Override PartName=\"/word/settings.xml\" "
                   "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>"
                   "<Override PartName=\"/word/footer1.xml\" "
                   "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>"
                   "<Override PartName=\"/docProps/core.xml\" "
                   "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
                   "</Types>\n"});
  parts.push_back({"_rels/.rels",
                   "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                   "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                   "<Relationship Id=\"rId1\" "
                   "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
                   "Target=\"word/document.xml\"/>"
                   "<Relationship Id=\"rId2\" "
                   "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" "
                   "Target=\"docProps/core.xml\"/></Relationships>\n"});
  // Core properties: the title, and carestat as the creator rather than a person's name.
  std::string created;
  if (generated_ms > 0) {
    std::time_t t = static_cast<std::time_t>(generated_ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    created = absl::StrCat("<dcterms:created xsi:type=\"dcterms:W3CDTF\">", buf, "</dcterms:created>");
  }
  parts.push_back({"docProps/core.xml",
                   absl::StrCat("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                                "<cp:coreProperties "
                                "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
                                "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
                                "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>",
                                X(title), "</dc:title><dc:creator>carestat</dc:creator><dc:language>en-GB</dc:language>",
                                created, "</cp:coreProperties>\n")});
  parts.push_back({"word/_rels/document.xml.rels",
                   absl::StrCat("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\n"
                                "<Relationship Id=\"rIdStyles\" "
                                "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
                                "Target=\"styles.xml\"/>\n<Relationship Id=\"rIdSettings\" "
                                "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" "
                                "Target=\"settings.xml\"/>\n<Relationship Id=\"rIdFooter\" "
                                "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" "
                                "Target=\"footer1.xml\"/>\n",
                                rels_, "</Relationships>\n")});
  parts.push_back({"word/document.xml",
                   absl::StrCat("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document ", kNamespaces,
                                "><w:body>\n", body_, SectionProperties(landscape_),
                                "\n</w:body></w:document>\n")});
  parts.push_back({"word/styles.xml", StylesXml()});
  parts.push_back({"word/settings.xml",
                   "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:settings "
                   "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:defaultTabStop w:val=\"720\"/>"
                   "<w:characterSpacingControl w:val=\"doNotCompress\"/><w:compat><w:compatSetting w:name=\"compatibilityMode\" "
                   "w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat></w:settings>\n"});
  // The footer: what the HTML's footer says, then "Page N of M" from Word's PAGE and
  // NUMPAGES fields, which Word and LibreOffice fill in as they lay out the pages.
  parts.push_back({"word/footer1.xml",
                   absl::StrCat("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:ftr ", kNamespaces,
                                "><w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr><w:r><w:t xml:space=\"preserve\">",
                                X(footer), " \u00B7 Page </w:t></w:r><w:fldSimple w:instr=\" PAGE \"><w:r><w:t>1</w:t></w:r>"
                                "</w:fldSimple><w:r><w:t xml:space=\"preserve\"> of </w:t></w:r><w:fldSimple w:instr=\" "
                                "NUMPAGES \"><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p></w:ftr>\n")});
  for (const Part& p : parts_) parts.push_back(p);

  std::string tmpl = (std::filesystem::temp_directory_path() / "carestat-report-XXXXXX.docx").string();
  int fd = mkstemps(tmpl.data(), 5);
  if (fd < 0) return absl::InternalError("cannot create a temporary file for the Word document");
  ::close(fd);
  struct Remove {
    std::string p;
    ~Remove() { std::remove(p.c_str()); }
  } remove{tmpl};
  zipFile zip = zipOpen64(tmpl.c_str(), APPEND_STATUS_CREATE);
  if (!zip) return absl::InternalError(absl::StrCat("minizip cannot create ", tmpl));
  zip_fileinfo info{};
  info.tmz_date = ZipDate(generated_ms);
  for (const Part& p : parts) {
    // PNG is compressed already; deflating it again only costs time.
    const bool stored = p.name.size() > 4 && p.name.compare(p.name.size() - 4, 4, ".png") == 0;
    if (zipOpenNewFileInZip(zip, p.name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr, stored ? 0 : Z_DEFLATED,
                            stored ? 0 : Z_DEFAULT_COMPRESSION) != ZIP_OK ||
        zipWriteInFileInZip(zip, p.content.data(), static_cast<unsigned>(p.content.size())) != ZIP_OK ||
        zipCloseFileInZip(zip) != ZIP_OK) {
      zipClose(zip, nullptr);
      return absl::InternalError(absl::StrCat("minizip cannot write ", p.name, " into ", tmpl));
    }
  }
  if (zipClose(zip, nullptr) != ZIP_OK) return absl::InternalError(absl::StrCat("minizip cannot finish ", tmpl));
  std::ifstream in(tmpl, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in) return absl::InternalError(absl::StrCat("cannot read back ", tmpl));
  return bytes.str();
}

CoverRows DefaultCover(const std::string& title, const std::string& la, const std::string& la_name,
                       const std::string& year, int64_t generated, bool published) {
  CoverRows rows = {{"Report", title},
                    {"Local authority", LaWords(la, la_name)},
                    {"Period", PeriodWords(year)},
                    {"Status", StatusWords(published)}};
  if (generated > 0)
    rows.push_back({"Prepared", absl::StrCat(DateWords(generated), " by carestat from the returns' aggregate figures")});
  return rows;
}

void Cover(Doc* doc, const std::string& title, const std::string& la, const std::string& la_name,
           const std::string& year, int64_t generated, bool published) {
  doc->Para(absl::StrCat(la_name.empty() ? "LA " + la : la_name, " \u00B7 Cabinet"), "Organisation");
  doc->Title(title);
  doc->Raw(DocxCoverTable(DefaultCover(title, la, la_name, year, generated, published)));
}

// Unnumbered, as in the HTML.
void Notes(Doc* doc, bool published, const std::vector<std::string>& rules) {
  doc->Heading(1, "Notes on the figures");
  for (const auto& r : rules) doc->Para(r);
  doc->Para(kRoundingNote);
  doc->Para(published ? kDisclosureNote : kInternalNote);
}

void SeedTable(Doc* doc, const v1::Table& t) {
  std::vector<DCell> header = {Word("Measure")};
  for (const auto& p : t.periods()) header.push_back(DCell{YearSlash(p), true});
  if (!t.hide_changes()) {
    header.push_back(DCell{"1 year % change", true});
    header.push_back(DCell{"5 year % change", true});
  }
  for (const auto& l : t.comparator_labels()) header.push_back(DCell{l, true});
  std::vector<std::vector<DCell>> rows;
  for (const auto& row : t.rows()) {
    std::vector<DCell> cells = {Word(row.label())};
    for (const auto& v : row.values()) cells.push_back(Num(v, FormatValue(v, row.unit())));
    if (!t.hide_changes()) {
      cells.push_back(Num(row.change_1y_pct(), FormatChange(row.change_1y_pct())));
      cells.push_back(Num(row.change_5y_pct(), FormatChange(row.change_5y_pct())));
    }
    for (const auto& c : row.comparators()) cells.push_back(Num(c, FormatValue(c, row.unit())));
    rows.push_back(std::move(cells));
  }
  doc->Table(absl::StrCat("Table ", t.number(), ": ", t.title()), header, rows);
  doc->Source(absl::StrCat("Source: ", t.source()));
  if (!t.gap().empty()) doc->Para(absl::StrCat("Missing: ", t.gap()));
}

// The year's returns as stored, rejected or missing (ReturnCoverage).
void CoverageDocx(Doc* doc, const google::protobuf::RepeatedPtrField<v1::ReturnCoverage>& coverage) {
  std::vector<std::vector<DCell>> rows;
  for (const auto& c : coverage) {
    rows.push_back({Word(c.name()), Word(c.status()), Word(c.file().empty() ? "none" : c.file()), Word(c.detail()),
                    Word(c.feeds().empty() ? "another return of the year" : c.feeds())});
  }
  doc->Table("The year's returns", {Word("Return"), Word("Status"), Word("File"), Word("Detail"), Word("Read by")},
             rows);
}

void FactsTable(Doc* doc, const std::vector<const v1::Fact*>& facts, const std::string& caption, const std::string& year,
                const std::string& previous) {
  const std::vector<DCell> header = {Word("Measure"),          DCell{YearSlash(year), true}, DCell{YearSlash(previous), true},
                                     DCell{"Change", true},    DCell{"England", true},       DCell{"London", true},
                                     DCell{"Stat. neighbours", true}, Word("DfE rank"),      DCell{"Target", true},
                                     Word("Rating")};
  std::vector<std::vector<DCell>> rows;
  bool marked = false;
  for (const v1::Fact* f : facts) {
    std::string label = f->label();
    if (f->period() != year) absl::StrAppend(&label, " (", f->period(), " and ", f->previous_period(), ")");
    if (f->supplied()) label += " (local measure)";
    std::vector<DCell> cells = {Word(label), Num(f->value(), FormatValue(f->value(), f->unit())),
                                Num(f->previous(), FormatValue(f->previous(), f->unit()))};
    const std::string change = ChangeWords(f->change(), f->change_pct(), f->unit());
    cells.push_back(Num(f->change(), change.empty() ? kNotAvailable : change));
    for (const char* prefix : {"ENG", "LON", "SN:"}) {
      ShownComparator c = FactComparator(*f, prefix);
      marked |= c.published;
      cells.push_back(Num(c.cell, c.text));
    }
    marked |= !f->dfe().status().empty();
    const std::string rank = RankWords(f->dfe(), true);
    cells.push_back(DCell{rank.empty() ? kNotAvailable : rank, false, rank.empty()});
    if (f->has_target()) cells.push_back(Num(f->target().value(), FormatValue(f->target().value(), f->unit())));
    else cells.push_back(DCell{"none", true, true});
    cells.push_back(RatingCell(f->rating()));
    rows.push_back(std::move(cells));
  }
  doc->Table(caption, header, rows);
  if (marked) doc->Note(kPublishedMarkNote);
}

// The council's computed figures beside published ones (the self-assessment's
// reconciliation with DfE; the annual report's differences, each with its publisher).
void ReconciliationDocx(Doc* doc, const google::protobuf::RepeatedPtrField<v1::Reconciliation>& recs,
                        bool publisher) {
  if (recs.empty()) return;
  std::vector<std::vector<DCell>> rows;
  for (const auto& rec : recs) {
    DCell period = Word(rec.period());
    period.nowrap = true;   // "2015-16" cut at its hyphen reads as two years
    std::vector<DCell> row = {Word(rec.label()), period};
    if (publisher) row.push_back(Word(rec.publisher()));
    row.push_back(Num(rec.computed(), FormatValue(rec.computed(), rec.unit())));
    row.push_back(Num(rec.published(), FormatValue(rec.published(), rec.unit())));
    row.push_back(Num(rec.difference(), ReconciliationDifference(rec)));
    row.push_back(Word(rec.reason().empty() ? "within DfE's rounding" : rec.reason()));
    rows.push_back(std::move(row));
  }
  if (publisher) {
    doc->Table("carestat's figures beside those DfE and the council published",
               {Word("Indicator"), Word("Year"), Word("Published by"), DCell{"carestat's figure", true},
                DCell{"Published figure", true}, DCell{"Difference", true}, Word("Reason")},
               rows);
  } else {
    doc->Table("The council's computed figures beside DfE's published figures",
               {Word("Indicator"), Word("Year"), DCell{"Council's figure", true}, DCell{"DfE's figure", true},
                DCell{"Difference", true}, Word("Known reason")},
               rows);
  }
}

// The self-evaluation's data-quality evidence of the impact of leaders, as html.cc's
// DataQualityHtml: the returns' validation, then the reconciliation of the council's
// figures with DfE's published ones. Figures stay whole (nowrap), as the HTML prints them.
void DataQualityDocx(Doc* doc, const v1::DataQuality& dq) {
  doc->Heading(3, "Data quality");
  doc->Para(dq.available() ? dq.note() : "Data quality: " + dq.note());
  if (dq.coverage_size() > 0) {
    doc->Heading(4, kCoverageHeading);
    doc->Para(kCoverageIntro);
    CoverageDocx(doc, dq.coverage());
  }
  if (dq.available() && dq.returns_size() > 0) {
    std::vector<std::vector<DCell>> rows;
    for (const auto& q : dq.returns()) {
      long long records = 0;
      for (const auto& [k, c] : q.record_counts()) records += c;
      std::string rules;
      for (const auto& rc : q.rules()) {
        absl::StrAppend(&rules, rules.empty() ? "" : "\n",
                        absl::StrCat(rc.severity(), " ", rc.rule(), " (", rc.count(), "): ", rc.message()));
      }
      rows.push_back({Word(q.dataset()), Word(q.file_name()), DCell{FormatNumber(q.children(), "count"), true},
                      DCell{FormatNumber(records, "count"), true}, DCell{FormatNumber(q.errors(), "count"), true},
                      DCell{FormatNumber(q.queries(), "count"), true}, Word(QualityAgainstLastYear(q)),
                      Word(rules.empty() ? "none" : rules)});
    }
    doc->Table("Returns for the year and their validation",
               {Word("Return"), Word("File"), DCell{"Children", true}, DCell{"Records", true}, DCell{"Errors", true},
                DCell{"Queries", true}, Word("Against last year"), Word("Most frequent rules")},
               rows);
  }
  if (dq.reconciliation_note().empty()) return;
  doc->Heading(4, "Reconciliation with DfE's published figures");
  doc->Para(dq.reconciliation_note());
  ReconciliationDocx(doc, dq.reconciliation(), false);
}

const v1::Fact* FindFact(const v1::AnnualReport& r, const std::string& indicator) {
  for (const auto& f : r.facts()) {
    if (f.indicator() == indicator && f.breakdown().empty()) return &f;
  }
  return nullptr;
}

// The HTML's summary cards, as a line each: "Contacts: 11,393 (2014/15: 10,722, +6%)".
void Card(Doc* doc, const std::string& title, const v1::Cell& now, const v1::Cell& before, const std::string& unit,
          const std::string& previous_year) {
  std::string change;
  if (now.suppressed() || before.suppressed()) {
    change = kSuppressedMark;
  } else if (now.has_value() && before.has_value() && before.value() != 0) {
    v1::Cell c;
    c.set_has_value(true);
    c.set_value((now.value() - before.value()) / before.value() * 100);
    change = FormatChange(c);
  }
  doc->Bullet({{title + ": "}, {FormatValue(now, unit), true},
             {absl::StrCat(" (", YearSlash(previous_year), ": ", FormatValue(before, unit),
                           change.empty() ? "" : absl::StrCat(", ", change), ")")}});
}

std::string LaName(const std::string& la, const std::string& name) { return name.empty() ? "LA " + la : name; }

// The chart's pixels as an 8-bit RGB PNG, written with libpng rather than cairo's PNG
// writer: the chart is opaque (drawn on white), so no alpha channel, and one row filter
// and zlib's default level make it about three times as fast (19 ms against 54 ms for a
// chart at scale 2) for 6% more bytes (cairo's writer keeps alpha and tries every filter).
absl::Status PngOf(cairo_surface_t* surface, std::string* png) {
  const int width = cairo_image_surface_get_width(surface), height = cairo_image_surface_get_height(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  if (!data || width <= 0 || height <= 0) return absl::InternalError("cairo drew no pixels for the chart");
  png_structp w = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = w ? png_create_info_struct(w) : nullptr;
  if (!info) {
    png_destroy_write_struct(&w, nullptr);
    return absl::InternalError("libpng cannot start a PNG");
  }
  std::vector<unsigned char> row(static_cast<size_t>(width) * 3);
  if (setjmp(png_jmpbuf(w))) {   // libpng's errors land here
    png_destroy_write_struct(&w, &info);
    return absl::InternalError("libpng cannot write the chart as PNG");
  }
  png_set_write_fn(
      w, png,
      [](png_structp p, png_bytep bytes, png_size_t n) {
        static_cast<std::string*>(png_get_io_ptr(p))->append(reinterpret_cast<const char*>(bytes), n);
      },
      nullptr);
  png_set_IHDR(w, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8, PNG_COLOR_TYPE_RGB,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_filter(w, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
  png_set_compression_level(w, 6);
  // 72 dpi times the scale would be wrong for Word, which sizes the picture by the
  // drawing's extent anyway; no pHYs chunk.
  png_write_info(w, info);
  for (int y = 0; y < height; ++y) {
    // CAIRO_FORMAT_ARGB32: one native-endian 32-bit word a pixel, opaque here.
    const uint32_t* px = reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * stride);
    for (int x = 0; x < width; ++x) {
      row[3 * x] = static_cast<unsigned char>(px[x] >> 16);
      row[3 * x + 1] = static_cast<unsigned char>(px[x] >> 8);
      row[3 * x + 2] = static_cast<unsigned char>(px[x]);
    }
    png_write_row(w, row.data());
  }
  png_write_end(w, nullptr);
  png_destroy_write_struct(&w, &info);
  return absl::OkStatus();
}

}  // namespace

std::string DocxCoverTable(const CoverRows& rows) {
  const int field = kTextWidth * 3 / 10, value = kTextWidth - field;
  std::string x = absl::StrCat("<w:tbl><w:tblPr><w:tblStyle w:val=\"CoverTable\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/>",
                               Borders("tblBorders"),
                               "<w:tblLayout w:type=\"fixed\"/><w:tblLook w:val=\"0080\" w:firstRow=\"0\" w:lastRow=\"0\" "
                               "w:firstColumn=\"1\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>"
                               "<w:gridCol w:w=\"", field, "\"/><w:gridCol w:w=\"", value, "\"/></w:tblGrid>\n");
  for (const auto& [name, text] : rows) {
    absl::StrAppend(&x, "<w:tr><w:trPr><w:cantSplit/></w:trPr>", CellXml(DCell{name, false, false, true}, field, kNoteFill, "TableText"),
                    CellXml(Word(text), value, nullptr, "TableText"), "</w:tr>\n");
  }
  // An empty paragraph after the table: Word joins two tables that touch.
  return x + "</w:tbl>\n<w:p/>\n";
}

absl::StatusOr<ChartImage> RasteriseChart(const std::string& inline_svg, double scale) {
  ChartImage out;
  std::smatch m;
  if (!std::regex_search(inline_svg, m, std::regex("<svg [^>]*viewBox=\"0 0 ([0-9.]+) ([0-9.]+)\"")) ||
      (out.width = std::stod(m[1])) <= 0 || (out.height = std::stod(m[2])) <= 0) {
    return absl::InternalError("the chart's SVG has no viewBox \"0 0 W H\" to size the image by");
  }
  // A file on its own needs what an inline <svg> in HTML takes from the page: the SVG
  // namespace and a size (the HTML's width="100%" means the page's width).
  out.svg = inline_svg;
  out.svg.replace(out.svg.find("<svg "), 5, "<svg xmlns=\"http://www.w3.org/2000/svg\" ");
  const std::string size = absl::StrFormat("width=\"%.0f\" height=\"%.0f\"", out.width, out.height);
  if (size_t w = out.svg.find("width=\"100%\""); w != std::string::npos && w < out.svg.find('>')) {
    out.svg.replace(w, 12, size);
  } else {
    out.svg.insert(out.svg.find("<svg ") + 5, size + " ");
  }
  out.svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + out.svg;

  GError* error = nullptr;
  RsvgHandle* handle =
      rsvg_handle_new_from_data(reinterpret_cast<const guint8*>(out.svg.data()), out.svg.size(), &error);
  auto failed = [&](const char* what) {
    std::string why = error ? error->message : "no reason given";
    if (error) g_error_free(error);
    return absl::InternalError(absl::StrCat("librsvg cannot ", what, " the chart's SVG: ", why));
  };
  if (!handle) return failed("read");
  out.width_px = static_cast<int>(std::ceil(out.width * scale));
  out.height_px = static_cast<int>(std::ceil(out.height * scale));
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, out.width_px, out.height_px);
  cairo_t* cr = cairo_create(surface);
  // White behind the chart: a transparent PNG shows the page colour through in some viewers.
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  const RsvgRectangle viewport{0, 0, static_cast<double>(out.width_px), static_cast<double>(out.height_px)};
  const gboolean drawn = rsvg_handle_render_document(handle, cr, &viewport, &error);
  cairo_destroy(cr);
  g_object_unref(handle);
  if (!drawn) {
    cairo_surface_destroy(surface);
    return failed("draw");
  }
  cairo_surface_flush(surface);
  absl::Status written = PngOf(surface, &out.png);
  cairo_surface_destroy(surface);
  if (!written.ok()) return written;
  return out;
}

namespace {

// The council's text as Word runs: **strong** bold; *emphasis* plain (its asterisks dropped).
std::vector<Run> NarrativeRuns(const std::string& text) {
  std::vector<Run> runs;
  for (const Span& s : EmphasisSpans(text)) runs.push_back(Run{s.text, s.bold});
  return runs;
}

void NarrativeParas(Doc* doc, const v1::NarrativeSection* s) {
  if (s == nullptr) return;
  for (const auto& p : s->paragraphs()) {
    if (p.list_item()) doc->Bullet(NarrativeRuns(p.text()));
    else doc->Para(NarrativeRuns(p.text()));
  }
}

// With a narrative, the cover sheet is the Cabinet paper's (its fields from the file,
// "not yet written" where empty), then the report's own rows; its recommendations and
// reasons follow it.
void AnnualCover(Doc* doc, const v1::AnnualReport& r, const std::string& title, bool published) {
  if (!HasNarrative(r)) {
    Cover(doc, title, r.la(), r.la_name(), r.year(), r.generated_unix_ms(), published);
    return;
  }
  const v1::Narrative& n = r.narrative();
  doc->Para(absl::StrCat(LaName(r.la(), r.la_name()), " \u00B7 Cabinet"), "Organisation");
  doc->Title(title);
  CoverRows rows;
  for (const auto& c : n.cover()) rows.push_back({c.label(), c.value().empty() ? kNotYetWritten : c.value()});
  for (auto& row : DefaultCover(title, r.la(), r.la_name(), r.year(), r.generated_unix_ms(), published)) {
    if (row.first != "Report") rows.push_back(std::move(row));
  }
  doc->Raw(DocxCoverTable(rows));
  for (const auto& [heading, list] :
       {std::pair{"Recommendation(s)", &n.recommendations()}, std::pair{"Reason(s)", &n.reasons()}}) {
    doc->Heading(2, heading);
    if (list->empty()) doc->Note(absl::StrCat(heading, ": ", kNotYetWritten, "."));
    int k = 0;
    for (const auto& item : *list) {
      std::vector<Run> runs = {Run{absl::StrCat("(", ++k, ") ")}};
      for (auto& run : NarrativeRuns(item)) runs.push_back(std::move(run));
      doc->Para(runs);
    }
  }
}

}  // namespace

absl::StatusOr<std::string> RenderDocx(const v1::AnnualReport& r, bool published) {
  const std::string title = absl::StrCat("Children's Social Care Annual Report ", YearSlash(r.year()));
  Doc doc;
  AnnualCover(&doc, r, title, published);
  // The sections, tables and figures, and where each sits (text.h, shared with html.cc).
  AnnualLayout layout(r);
  const std::string& previous_year = layout.previous_year;
  const std::vector<std::string>& sections = layout.sections;
  auto& by_section = layout.by_section;
  const auto& tables = layout.tables;
  const auto& figures = layout.figures;
  const auto& kPlaced = AnnualLayout::Placed();

  doc.Heading(1, "1. Summary");
  NarrativeParas(&doc, NarrativeFor(r, "summary"));
  doc.Para(absl::StrCat("This report gives an overview of safeguarding and looked after children activity and "
                        "performance in ", LaName(r.la(), r.la_name()), " for ", YearSlash(r.year()),
                        ", with comparisons to statistical neighbours, London and England where those figures are "
                        "available."));
  if (!published) doc.Note(kInternalNote, true);
  else doc.Note(kDisclosureNote);
  if (auto it = tables.find("table1"); it != tables.end()) {
    for (const auto& row : it->second->rows()) {
      if (row.indicator() == "contacts" || row.indicator() == "referrals") {
        const int n = row.values_size();
        if (n >= 2) Card(&doc, row.indicator() == "contacts" ? "Contacts" : "Referrals", row.values(n - 1),
                         row.values(n - 2), row.unit(), previous_year);
      }
    }
  }
  for (const auto& [id, words] : std::vector<std::pair<std::string, std::string>>{
           {"cin_open_year_end", "Open social care cases"},
           {"cpp_year_end", "Children on a child protection plan"},
           {"lac_year_end", "Looked-after children"},
           {"adoptions", "Children adopted"}}) {
    if (const v1::Fact* f = FindFact(r, id)) Card(&doc, words, f->value(), f->previous(), f->unit(), f->previous_period());
  }
  int counts[4] = {0, 0, 0, 0};
  for (const auto& f : r.facts()) ++counts[f.rating() >= 0 && f.rating() <= 3 ? f.rating() : 0];
  doc.Para(absl::StrCat("Ratings of the ", r.facts_size(), " figures this report quotes: green ", counts[v1::GREEN],
                        ", amber ", counts[v1::AMBER], ", red ", counts[v1::RED], "; not rated ",
                        counts[v1::RATING_UNSPECIFIED],
                        " (no better direction, or no target or comparator). How ratings are given is set out in the "
                        "notes."));

  int n = 1;
  for (const auto& section : sections) {
    doc.Heading(1, absl::StrCat(++n, ". ", section));
    NarrativeParas(&doc, NarrativeFor(r, "section:" + section));
    if (auto placed = kPlaced.find(section); placed != kPlaced.end()) {
      for (const auto& id : placed->second) {
        NarrativeParas(&doc, NarrativeFor(r, id));
        if (auto t = tables.find(id); t != tables.end()) SeedTable(&doc, *t->second);
        if (auto f = figures.find(id); f != figures.end()) {
          if (absl::Status s = doc.Figure(*f->second); !s.ok()) return s;
        }
      }
    }
    for (const auto& gap : FactGaps(by_section[section])) doc.Para(absl::StrCat("Missing: ", gap));
    for (const v1::Fact* f : by_section[section]) doc.Bullet({{FactSentence(*f)}});
  }
  // Tables and figures no section placed (a report without facts).
  auto placed = [&](const std::string& id) {
    for (const auto& [s, ids] : kPlaced) {
      for (const auto& i : ids) {
        if (i == id && by_section.count(s)) return true;
      }
    }
    return false;
  };
  for (const auto& t : r.tables()) {
    if (placed(t.id())) continue;
    NarrativeParas(&doc, NarrativeFor(r, t.id()));
    SeedTable(&doc, t);
  }
  for (const auto& f : r.figures()) {
    if (placed(f.id())) continue;
    NarrativeParas(&doc, NarrativeFor(r, f.id()));
    if (absl::Status s = doc.Figure(f); !s.ok()) return s;
  }
  if (HasNarrative(r)) {
    doc.Heading(1, absl::StrCat(++n, ". Implications"));
    for (const auto& [name, anchor] : NarrativeImplications()) {
      doc.Heading(2, name);
      const v1::NarrativeSection* s = NarrativeFor(r, anchor);
      if (s != nullptr) NarrativeParas(&doc, s);
      else doc.Note(absl::StrCat(name, " implications: ", kNotYetWritten, "."));
    }
  }
  doc.Heading(1, absl::StrCat(++n, ". Key figures, comparators and ratings"));
  for (const auto& section : sections) FactsTable(&doc, by_section[section], section, r.year(), previous_year);
  if (r.year_on_year().rows_size() > 0) {
    const v1::YearOnYear& y = r.year_on_year();
    const bool last = !y.previous_report().empty();
    doc.Heading(1, absl::StrCat(++n, ". ", kYearOnYearHeading));
    doc.Para(y.note());
    std::vector<std::vector<DCell>> rows;
    for (const auto& row : y.rows()) {
      const std::string change = ChangeWords(row.change(), row.change_pct(), row.unit());
      std::vector<DCell> cells = {Word(row.label()), Num(row.previous(), FormatValue(row.previous(), row.unit())),
                                  Num(row.value(), FormatValue(row.value(), row.unit())),
                                  Num(row.change(), change.empty() ? kNotAvailable : change),
                                  Word(DirectionName(row.direction()))};
      if (last) {
        cells.push_back(Word(!row.revision().empty()            ? row.revision()
                             : row.last_report().has_value() ? "as printed"
                                                             : "not in it"));
      }
      rows.push_back(std::move(cells));
    }
    std::vector<DCell> header = {Word("Measure"), DCell{YearSlash(y.previous_year()), true},
                                 DCell{YearSlash(r.year()), true}, DCell{"Change", true}, Word("Direction")};
    if (last) header.push_back(Word("In " + y.previous_report()));
    doc.Table(absl::StrCat(r.year(), " against ", y.previous_year()), header, rows);
  }
  doc.Heading(1, absl::StrCat(++n, ". ", kCoverageHeading));
  doc.Para(kCoverageIntro);
  if (r.coverage_size() == 0) doc.Para(r.coverage_note());
  else CoverageDocx(&doc, r.coverage());
  if (!r.differences_note().empty()) {
    doc.Heading(1, absl::StrCat(++n, ". ", kDifferencesHeading));
    doc.Para(r.differences_note());
    ReconciliationDocx(&doc, r.differences(), true);
  }
  std::vector<std::string> notes = {r.rating_rule()};
  if (!r.narrative().stale().empty()) notes.push_back(StaleNote(r.narrative().stale()));
  Notes(&doc, published, notes);
  doc.Para(absl::StrCat(LaWords(r.la(), r.la_name()), " \u00B7 ", title, " \u00B7 ", StatusWords(published)), "Source");
  return doc.Zip(absl::StrCat(LaName(r.la(), r.la_name()), ": ", title),
                 absl::StrCat(LaName(r.la(), r.la_name()), " \u00B7 ", title), r.generated_unix_ms());
}

// The self-evaluation in Ofsted's ILACS shape, as html.cc shows it and in its order: the
// summary's counts, then each judgement area on A4 landscape (its evidence tables have
// eleven columns) with its three questions, then the notes back on portrait.
absl::StatusOr<std::string> RenderDocx(const v1::SelfAssessment& sa, bool published) {
  const std::string title = absl::StrCat("Children's Social Care Annual Self-Assessment ", YearSlash(sa.year()));
  Doc doc;
  Cover(&doc, title, sa.la(), sa.la_name(), sa.year(), sa.generated_unix_ms(), published);
  int ratings[4] = {0, 0, 0, 0}, directions[4] = {0, 0, 0, 0}, total = 0;
  for (const auto& s : sa.sections()) {
    for (const auto& a : s.indicators()) {
      ++total;
      ++ratings[a.rating() >= 0 && a.rating() <= 3 ? a.rating() : 0];
      ++directions[a.direction() >= 0 && a.direction() <= 3 ? a.direction() : 0];
    }
  }
  int n = 0;
  doc.Heading(1, absl::StrCat(++n, ". Summary"));
  doc.Para(absl::StrCat("This self-evaluation of social work practice in ", LaName(sa.la(), sa.la_name()), " for ",
                        YearSlash(sa.year()), " follows Ofsted's ILACS framework: for each of its ", sa.areas_size(),
                        " judgement areas, what we know about the quality and impact of social work practice, how we "
                        "know it (",
                        total, " indicators with their three-year trend, comparators, DfE's rank, target and rating, "
                        "with audit findings, children's and families' voices and workforce evidence), and our plans "
                        "for the next 12 months."));
  if (!published) doc.Note(kInternalNote, true);
  // The HTML's cards, a line each. The counts are the lengths of the lists the areas
  // print: one finding, one bullet.
  doc.Bullet({{"Strengths: "}, {absl::StrCat(sa.strengths_size()), true}});
  doc.Bullet({{"Areas for focus: "}, {absl::StrCat(sa.areas_for_focus_size()), true}});
  doc.Bullet({{"To watch: "}, {absl::StrCat(sa.to_watch_size()), true}});
  doc.Bullet({{"Rated green / amber / red: "},
              {absl::StrCat(ratings[v1::GREEN], " / ", ratings[v1::AMBER], " / ", ratings[v1::RED]), true}});
  doc.Bullet({{"Improving / stable / deteriorating: "},
              {absl::StrCat(directions[v1::IMPROVING], " / ", directions[v1::STABLE], " / ", directions[v1::DETERIORATING]),
               true}});

  // A slot the council writes: its paragraphs, or the line saying where to write them.
  auto slot = [&](const v1::NarrativeSlot& s, int level) {
    doc.Heading(level, s.title());
    if (s.paragraphs().empty()) doc.Para(s.placeholder(), "Placeholder");
    for (const auto& p : s.paragraphs()) doc.Para(p);
  };
  for (const auto& area : sa.areas()) {
    // Each area on its own pages, landscape, as the HTML prints section.area.
    doc.NewSection(/*landscape=*/true);
    doc.Heading(1, absl::StrCat(++n, ". ", area.title()));
    doc.Heading(2, kWhatDoWeKnow);
    for (const auto* list : {&sa.strengths(), &sa.areas_for_focus(), &sa.to_watch()}) {
      const bool strengths = list == &sa.strengths(), focus = list == &sa.areas_for_focus();
      doc.Heading(3, strengths ? "Strengths" : focus ? "Areas for focus" : "To watch");
      bool any = false;
      for (const auto& f : *list) {
        if (f.area() != area.id()) continue;
        any = true;
        doc.Bullet({{FindingSentence(f)}, {absl::StrCat(" (", f.section(), ")")}});
      }
      if (!any) doc.Para("None.", "Placeholder");
    }
    doc.Heading(2, kHowDoWeKnow);
    bool marked = false;
    for (const auto& s : sa.sections()) {
      if (s.area() != area.id()) continue;
      std::vector<DCell> header = {Word("Measure")};
      if (!s.indicators().empty()) {
        for (const auto& p : s.indicators(0).periods()) header.push_back(DCell{YearSlash(p), true});
      }
      header.push_back(Word("Direction"));
      for (const char* c : {"England", "London", "Stat. neighbours"}) header.push_back(DCell{c, true});
      header.push_back(Word("DfE rank"));
      header.push_back(DCell{"Target", true});
      header.push_back(Word("Rating"));
      std::vector<std::vector<DCell>> rows;
      for (const auto& a : s.indicators()) {
        std::vector<DCell> cells = {Word(a.supplied() ? a.label() + " (local measure)" : a.label())};
        for (const auto& v : a.values()) cells.push_back(Num(v, FormatValue(v, a.unit())));
        cells.push_back(DirectionCell(a.direction()));
        cells.back().nowrap = true;
        for (const char* prefix : {"ENG", "LON", "SN:"}) {
          ShownComparator c = IndicatorComparator(a, prefix);
          marked |= c.published;
          cells.push_back(Num(c.cell, c.text));
          // A figure with DfE's dagger stays on one line; "not published by DfE" may wrap.
          cells.back().nowrap = c.cell.has_value() || c.cell.suppressed();
        }
        marked |= !a.dfe().status().empty();
        const std::string rank = RankWords(a.dfe(), true);
        DCell rank_cell{rank.empty() ? kNotAvailable : rank, false, rank.empty()};
        rank_cell.nowrap = a.dfe().rank() > 0;
        cells.push_back(rank_cell);
        if (a.has_target()) cells.push_back(Num(a.target().value(), FormatValue(a.target().value(), a.unit())));
        else cells.push_back(DCell{"none", true, true});
        cells.push_back(RatingCell(a.rating()));
        cells.back().nowrap = true;
        rows.push_back(std::move(cells));
      }
      doc.Table(absl::StrCat(s.title(), ": three-year trend, comparators, DfE's rank and rating"), header, rows);
    }
    if (marked) doc.Note(kPublishedMarkNote);
    for (const auto& s : area.evidence()) slot(s, 3);
    if (area.id() == "leadership") DataQualityDocx(&doc, sa.data_quality());
    slot(area.plans(), 2);
  }
  // The notes on portrait, as the HTML prints them.
  if (sa.areas_size() > 0) doc.NewSection(/*landscape=*/false);
  Notes(&doc, published, {sa.rating_rule(), sa.direction_rule(), sa.findings_rule()});
  doc.Para(absl::StrCat(LaWords(sa.la(), sa.la_name()), " \u00B7 ", title, " \u00B7 ", StatusWords(published)), "Source");
  return doc.Zip(absl::StrCat(LaName(sa.la(), sa.la_name()), ": ", title),
                 absl::StrCat(LaName(sa.la(), sa.la_name()), " \u00B7 ", title), sa.generated_unix_ms());
}

}  // namespace carestat
