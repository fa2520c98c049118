#include "services/reporting/render/render.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "services/reporting/render/csv_xlsx.h"
#include "services/reporting/render/disclosure.h"
#include "services/reporting/render/tabulate.h"
#include "services/reporting/render/text.h"

namespace carestat {

namespace {

std::string TitleOf(const v1::AnnualReport& r) {
  return absl::StrCat("Children's Social Care Annual Report ", YearSlash(r.year()), ", ", LaWords(r.la(), r.la_name()));
}
std::string TitleOf(const v1::SelfAssessment& s) {
  return absl::StrCat("Children's Social Care Annual Self-Assessment ", YearSlash(s.year()), ", ",
                      LaWords(s.la(), s.la_name()));
}

template <class Doc>
absl::StatusOr<v1::RenderResponse> RenderDoc(const Doc& in, v1::Format format, bool publish) {
  Doc doc = in;
  if (publish) ApplyDisclosureControl(&doc);
  v1::RenderResponse out;
  switch (format) {
    case v1::JSON: {
      std::string json;
      google::protobuf::util::JsonPrintOptions opts;
      opts.add_whitespace = true;
      opts.preserve_proto_field_names = true;
      opts.always_print_primitive_fields = true;
      auto s = google::protobuf::util::MessageToJsonString(doc, &json, opts);
      if (!s.ok()) return absl::InternalError(std::string(s.message()));
      out.set_content(json);
      out.set_media_type("application/json");
      out.set_file_extension("json");
      return out;
    }
    case v1::MARKDOWN:
      out.set_content(RenderMarkdown(doc, publish));
      out.set_media_type("text/markdown");
      out.set_file_extension("md");
      return out;
    case v1::HTML:
      out.set_content(RenderHtml(doc, publish));
      out.set_media_type("text/html");
      out.set_file_extension("html");
      return out;
    case v1::CSV: {
      std::vector<DataTable> tables = Tabulate(doc);
      out.set_content(LongCsvOf(tables));
      out.set_media_type("text/csv");
      out.set_file_extension("csv");
      for (const auto& t : tables) {
        v1::RenderedFile* f = out.add_files();
        f->set_name(t.name + ".csv");
        f->set_content(CsvOf(t));
        f->set_media_type("text/csv");
      }
      return out;
    }
    case v1::XLSX: {
      auto bytes = XlsxOf(Tabulate(doc), TitleOf(doc));
      if (!bytes.ok()) return bytes.status();
      out.set_content(*std::move(bytes));
      out.set_media_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
      out.set_file_extension("xlsx");
      return out;
    }
    default:
      break;
  }
  return absl::InvalidArgumentError(absl::StrCat("format ", v1::Format_Name(format),
                                                 " cannot be rendered: use JSON, MARKDOWN, HTML, CSV or XLSX"));
}

}  // namespace

absl::StatusOr<v1::RenderResponse> Render(const v1::AnnualReport& report, v1::Format format, bool publish) {
  return RenderDoc(report, format, publish);
}

absl::StatusOr<v1::RenderResponse> Render(const v1::SelfAssessment& sa, v1::Format format, bool publish) {
  return RenderDoc(sa, format, publish);
}

absl::StatusOr<v1::RenderResponse> Render(const v1::RenderRequest& request) {
  switch (request.document_case()) {
    case v1::RenderRequest::kReport: return Render(request.report(), request.format(), request.publish());
    case v1::RenderRequest::kSelfAssessment:
      return Render(request.self_assessment(), request.format(), request.publish());
    default:
      return absl::InvalidArgumentError("RenderRequest carries no report: set report or self_assessment");
  }
}

}  // namespace carestat
