#include "services/common/json.h"
#include "services/reporting/render/render.h"

#include <google/protobuf/util/json_util.h>

#include <cmath>

#include "absl/strings/str_cat.h"
#include "services/reporting/render/csv_xlsx.h"
#include "services/reporting/render/disclosure.h"
#include "services/reporting/render/docx.h"
#include "services/reporting/render/tabulate.h"
#include "services/reporting/render/text.h"
#include "services/reporting/reports/narrative.h"

namespace carestat {

namespace {

std::string TitleOf(const v1::AnnualReport& r) {
  return absl::StrCat("Children's Social Care Annual Report ", YearSlash(r.year()), ", ", LaWords(r.la(), r.la_name()));
}
std::string TitleOf(const v1::SelfAssessment& s) {
  return absl::StrCat("Children's Social Care Annual Self-Assessment ", YearSlash(s.year()), ", ",
                      LaWords(s.la(), s.la_name()));
}

}  // namespace

absl::Status NullNonFinite(google::protobuf::Message* m, const std::string& path) {
  using google::protobuf::FieldDescriptor;
  const auto* d = m->GetDescriptor();
  const auto* r = m->GetReflection();
  auto flag_of = [&](const std::string& name) -> const FieldDescriptor* {
    const FieldDescriptor* f = d->FindFieldByName(name);
    return f != nullptr && f->type() == FieldDescriptor::TYPE_BOOL && !f->is_repeated() ? f : nullptr;
  };
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const std::string where = path.empty() ? f->name() : absl::StrCat(path, ".", f->name());
    if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int k = 0; k < r->FieldSize(*m, f); ++k) {
          if (auto s = NullNonFinite(r->MutableRepeatedMessage(m, f, k), absl::StrCat(where, "[", k, "]")); !s.ok())
            return s;
        }
      } else if (r->HasField(*m, f)) {
        if (auto s = NullNonFinite(r->MutableMessage(m, f), where); !s.ok()) return s;
      }
      continue;
    }
    if (f->type() != FieldDescriptor::TYPE_DOUBLE && f->type() != FieldDescriptor::TYPE_FLOAT) continue;
    auto value = [&](int k) {
      if (f->type() == FieldDescriptor::TYPE_FLOAT) return static_cast<double>(k < 0 ? r->GetFloat(*m, f) : r->GetRepeatedFloat(*m, f, k));
      return k < 0 ? r->GetDouble(*m, f) : r->GetRepeatedDouble(*m, f, k);
    };
    if (f->is_repeated()) {
      for (int k = 0; k < r->FieldSize(*m, f); ++k) {
        if (!std::isfinite(value(k))) {
          return absl::InternalError(absl::StrCat("the report's ", where, "[", k,
                                                  "] is not a finite number: nothing is rendered rather than a wrong figure"));
        }
      }
      continue;
    }
    if (std::isfinite(value(-1))) continue;
    // A value beside its has_value (a Cell, a point) becomes "not available"; the
    // numerator and denominator beside has_numerator likewise. Anything else is refused.
    const FieldDescriptor* flag = f->name() == "value" ? flag_of("has_value")
                                  : (f->name() == "numerator" || f->name() == "denominator") ? flag_of("has_numerator")
                                                                                             : nullptr;
    if (flag == nullptr) {
      return absl::InternalError(absl::StrCat("the report's ", where,
                                              " is not a finite number: nothing is rendered rather than a wrong figure"));
    }
    r->SetBool(m, flag, false);
    if (f->type() == FieldDescriptor::TYPE_FLOAT) r->SetFloat(m, f, 0); else r->SetDouble(m, f, 0);
  }
  return absl::OkStatus();
}

namespace {

template <class Doc>
absl::StatusOr<v1::RenderResponse> RenderDoc(const Doc& in, v1::Format format, bool publish) {
  Doc doc = in;
  // NaN or infinity never reaches a reader: JSON would hold "NaN", a page "-0%".
  if (absl::Status s = NullNonFinite(&doc, ""); !s.ok()) return s;
  // The narrative's sentences quote figures too: one quoting a suppressed figure is withheld.
  if (publish) WithholdSuppressedNarrative(&doc, ApplyDisclosureControl(&doc));
  v1::RenderResponse out;
  switch (format) {
    case v1::PDF:   // a browser is not run beside the server: see pdf.h
      return absl::InvalidArgumentError(
          "format PDF is printed where the file is written: render HTML and print it with HtmlToPdf "
          "(carestat report --format pdf does)");
    case v1::JSON: {
      std::string json;
      google::protobuf::util::JsonPrintOptions opts;
      opts.add_whitespace = true;
      opts.preserve_proto_field_names = true;
      opts.always_print_primitive_fields = true;
      auto s = MessageJson(doc, opts, &json);
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
    case v1::DOCX: {
      auto bytes = RenderDocx(doc, publish);
      if (!bytes.ok()) return bytes.status();
      out.set_content(*std::move(bytes));
      out.set_media_type("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
      out.set_file_extension("docx");
      return out;
    }
    default:
      break;
  }
  return absl::InvalidArgumentError(absl::StrCat("format ", v1::Format_Name(format),
                                                 " cannot be rendered: use JSON, MARKDOWN, HTML, CSV, XLSX or DOCX"));
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
