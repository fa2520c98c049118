#include "pipeline/children.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <grpcpp/grpcpp.h>

#include "services/common/json.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/audit.h"
#include "services/common/dates.h"
#include "services/ingestion/pseudonymise.h"

namespace carestat {
namespace {

std::string Figure(double v) {
  std::string s = absl::StrFormat("%.2f", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

void AppendEntries(const char* list, const google::protobuf::RepeatedPtrField<v1::ListedChild>& entries,
                   std::string* out) {
  for (const auto& c : entries) {
    std::string facts;
    for (const auto& f : c.facts()) absl::StrAppend(&facts, facts.empty() ? "" : ", ", f.name(), " ", f.value());
    std::string sources;
    for (const auto& s : c.sources()) absl::StrAppend(&sources, sources.empty() ? "" : " ", s);
    absl::StrAppend(out, list, "\t", c.child().empty() ? "(no id)" : c.child(), "\t", c.record(), "\t", facts, "\t",
                    sources, "\n");
  }
}

// This machine's user, for the local audit log.
std::string LocalPrincipal() {
  const uid_t uid = ::geteuid();
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buf[4096];
  if (::getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found != nullptr) {
    return absl::StrCat("local:", found->pw_name);
  }
  return absl::StrCat("local:uid", uid);
}

}  // namespace

std::string ChildrenText(const v1::ListChildrenResponse& resp, const std::string& la, const std::string& period) {
  const v1::IndicatorPoint& p = resp.point();
  const bool ratio = p.denominator() > 0 || resp.denominator_size() > 0;
  std::string out = absl::StrCat("# LA ", la, ", ", p.indicator(), p.breakdown().empty() ? "" : " ", p.breakdown(),
                                 ", ", period, ": figure ", p.has_value() ? Figure(p.value()) : "n/a",
                                 ", numerator ", Figure(p.numerator()));
  absl::StrAppend(&out, ratio ? ", denominator " + Figure(p.denominator()) : ", no denominator (a count)");
  absl::StrAppend(&out, " (entries are ", resp.counts(), "; ", resp.children_returned(), " children in all)\n");
  absl::StrAppend(&out, "# list\tchild (pseudonym)\trecord\tdates and codes\treturns\n");
  AppendEntries("numerator", resp.numerator(), &out);
  AppendEntries("denominator", resp.denominator(), &out);
  return out;
}

std::string ChildrenJson(const v1::ListChildrenResponse& resp) {
  google::protobuf::util::JsonPrintOptions o;
  o.preserve_proto_field_names = true;
  o.always_print_primitive_fields = true;
  std::string out;
  (void)MessageJson(resp, o, &out);
  return out + "\n";
}

absl::StatusOr<int64_t> PseudonymiseIds(const std::string& ingestion_dir, const std::string& la, std::istream& in,
                                        std::ostream& out) {
  const std::string key = ingestion_dir + "/hmac.key";
  struct stat st {};
  // Never made here: a new key would give pseudonyms that match nothing stored.
  if (::stat(key.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat("no pseudonymisation key at ", key, " (", std::strerror(errno),
                                            "): run this where ingestion's store is, with --data DIR of an "
                                            "embedded install or --ingestion-data DIR of the ingestion server"));
  }
  auto p = Pseudonymiser::LoadOrCreate(key);
  if (!p.ok()) return p.status();
  // Every line is read and checked before anything is written.
  std::vector<std::string> ids;
  std::string line;
  int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.size() > 256) {
      return absl::InvalidArgumentError(absl::StrCat("standard input line ", line_no, " is ", line.size(),
                                                     " characters long: a child identifier is one per line"));
    }
    std::string id(absl::StripAsciiWhitespace(line));
    if (id.empty()) continue;
    for (char c : id) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        return absl::InvalidArgumentError(
            absl::StrCat("standard input line ", line_no, " has a control character: give one identifier per line"));
      }
    }
    ids.push_back(std::move(id));
  }
  for (const auto& id : ids) out << id << '\t' << (*p)->Pseudonym(la, id) << '\n';
  out.flush();
  return static_cast<int64_t>(ids.size());
}

absl::Status OpenLocalAudit(const std::string& path) {
  auto log = AuditLog::Open(path, 100ll << 20, 10);
  return log.status();
}

absl::Status WriteLocalAudit(const LocalAudit& a) {
  auto log = AuditLog::Open(a.path, 100ll << 20, 10);
  if (!log.ok()) return log.status();
  AuditEvent e;
  e.principal = LocalPrincipal();
  e.method = a.method;
  e.la = a.la;
  e.indicator = a.indicator;
  e.period = a.period;
  e.children = a.children;
  e.code = a.code;
  (*log)->Write(e);
  if ((*log)->failures() > 0) return absl::DataLossError(absl::StrCat("cannot append to the audit log ", a.path));
  return absl::OkStatus();
}

}  // namespace carestat
