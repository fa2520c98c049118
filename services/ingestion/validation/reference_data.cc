#include "services/ingestion/validation/reference_data.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <istream>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "reference/embedded.h"
#include "services/common/reference_csv.h"
#include "services/ingestion/formats/xlsx.h"

namespace carestat::validation {
namespace {

std::string_view Strip(std::string_view v) {
  while (!v.empty() && absl::ascii_isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
  while (!v.empty() && absl::ascii_isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
  return v;
}

bool IsOutward(std::string_view o) {
  // An outward code: 2 to 4 letters and digits, beginning with a letter and holding a digit.
  if (o.size() < 2 || o.size() > 4 || !absl::ascii_isalpha(static_cast<unsigned char>(o[0]))) return false;
  bool digit = false;
  for (char c : o) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
    digit = digit || absl::ascii_isdigit(static_cast<unsigned char>(c));
  }
  return digit;
}

// Splits one CSV line (RFC 4180 quotes; a quoted field does not span lines in ONS's
// and Ofsted's files).
std::vector<std::string> SplitCsv(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(std::move(cur));
  return out;
}

std::string Lower(std::string_view v) {
  std::string out(Strip(v));
  absl::AsciiStrToLower(&out);
  // A heading's inner spaces collapse to one ("Setting  Postcode").
  std::string collapsed;
  for (char c : out) {
    if (c == ' ' && !collapsed.empty() && collapsed.back() == ' ') continue;
    collapsed.push_back(c);
  }
  return collapsed;
}

// An LA's name as a key: lower case, "&" as "and", letters and digits only.
std::string NameKey(std::string_view name) {
  std::string s = Lower(name), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      out += "and";
    } else if (absl::ascii_isalnum(static_cast<unsigned char>(s[i]))) {
      out.push_back(s[i]);
    }
  }
  return out;
}

// The forms a name may take in another list: "Bristol, City of" / "Bristol" / "City of
// Bristol"; "County Durham" / "Durham"; "Herefordshire, County of" / "Herefordshire".
std::vector<std::string> NameForms(std::string_view name) {
  std::string k = NameKey(name);
  std::vector<std::string> out = {k};
  for (std::string_view drop : {"cityof", "countyof", "council", "royalboroughof", "londonboroughof", "boroughof"}) {
    std::string t = out[0];
    for (size_t at; (at = t.find(drop)) != std::string::npos;) t.erase(at, drop.size());
    if (t != out[0] && !t.empty()) out.push_back(t);
  }
  const size_t n = out.size();
  for (size_t i = 0; i < n; ++i)
    if (out[i].rfind("county", 0) == 0 && out[i].size() > 6) out.push_back(out[i].substr(6));
  return out;
}

std::optional<double> Number(std::string_view v) {
  v = Strip(v);
  if (v.empty()) return std::nullopt;
  const std::string text(v);
  char* end = nullptr;
  const double d = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

// A date of Ofsted's lists: an Excel serial (XLSX), or DD/MM/YYYY or YYYY-MM-DD text.
std::optional<int32_t> ListDate(std::string_view v, bool date1904) {
  v = Strip(v);
  if (v.empty()) return std::nullopt;
  if (v.find('/') == std::string_view::npos && v.find('-') == std::string_view::npos) {
    if (auto d = Number(v)) return ExcelSerialToDays(*d, date1904);
    return std::nullopt;
  }
  return ParseDay(v);
}

std::set<std::string> Codes(std::string_view v) {
  std::set<std::string> out;
  std::string cur;
  for (char c : v) {
    if (c == '/' || c == ',' || c == ';' || absl::ascii_isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty()) out.insert(Upper(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.insert(Upper(cur));
  return out;
}

// The heading of a provider list's column as this reader names it ("" not used).
std::string ProviderField(const std::string& heading) {
  const std::string h = Lower(heading);
  if (h == "urn") return "urn";
  if (h == "local authority" || h == "provider local authority" || h == "local authority name") return "la";
  if (h == "provider placement code" || h == "placement code" || h == "placement codes") return "place";
  if (h == "provider code" || h == "placement provider code" || h == "provider codes") return "provider";
  if (h == "closed date" || h == "deregistration date" || h == "date closed") return "end";
  if (h == "setting postcode" || h == "setting address postcode" || h == "postcode") return "postcode";
  return "";
}

// Reads one sheet (or CSV file) of a provider list: its heading row is the first of its
// first 10 rows with URN and another known heading; its rows after that are providers.
class ProviderSheet {
 public:
  ProviderSheet(ReferenceData* ref, bool date1904) : ref_(ref), date1904_(date1904) {}
  void Row(const std::vector<std::string>& cells) {
    if (columns_.empty()) {
      if (++tried_ > 10) return;
      std::map<std::string, size_t> found;
      for (size_t i = 0; i < cells.size(); ++i) {
        std::string f = ProviderField(cells[i]);
        if (!f.empty() && !found.count(f)) found[f] = i;
      }
      if (found.count("urn") && found.size() >= 2) columns_ = std::move(found);
      return;
    }
    auto get = [&](const char* f) -> std::string {
      auto it = columns_.find(f);
      if (it == columns_.end() || it->second >= cells.size()) return "";
      return std::string(Strip(cells[it->second]));
    };
    Provider p;
    p.urn = Upper(get("urn"));
    if (p.urn.empty()) return;
    p.place_codes = Codes(get("place"));
    p.provider_codes = Codes(get("provider"));
    p.reg_end = ListDate(get("end"), date1904_);
    p.postcode = PostcodeKey(get("postcode"));
    p.la_name = get("la");
    ref_->AddProvider(std::move(p));
    ++providers_;
  }
  bool matched() const { return !columns_.empty(); }
  int providers() const { return providers_; }

 private:
  ReferenceData* ref_;
  bool date1904_;
  int tried_ = 0;
  int providers_ = 0;
  std::map<std::string, size_t> columns_;
};

// Per sector while the postcode lookup is read.
struct SectorSums {
  double east_live = 0, north_live = 0, east_all = 0, north_all = 0;
  int64_t live = 0, all = 0;
  std::vector<std::pair<std::string, std::pair<int64_t, int64_t>>> districts;  // ons -> (live, all)
};

// A full postcode ("AB12CD", no space, at most 7 letters and digits) as a number: base
// 37, one digit a character. 0 when it cannot be one.
uint64_t Pack(const std::string& key) {
  if (key.size() < 5 || key.size() > 7) return 0;
  uint64_t v = 0;
  for (char c : key) {
    int d = 0;
    if (c >= '0' && c <= '9')
      d = 1 + (c - '0');
    else if (c >= 'A' && c <= 'Z')
      d = 11 + (c - 'A');
    else
      return 0;
    v = v * 37 + static_cast<uint64_t>(d);
  }
  return v;
}

// Whether a postcode as written is a full one (more than its sector).
bool IsFull(std::string_view postcode, const std::string& sector) {
  return !sector.empty() && PostcodeKey(postcode) != PostcodeKey(sector);
}

}  // namespace

std::string PostcodeKey(std::string_view postcode) {
  std::string out;
  for (char c : postcode)
    if (!absl::ascii_isspace(static_cast<unsigned char>(c)))
      out.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string PostcodeSector(std::string_view postcode) {
  std::string v(Strip(postcode));
  absl::AsciiStrToUpper(&v);
  if (v.empty()) return "";
  const std::string key = PostcodeKey(v);
  auto alpha = [](char c) { return absl::ascii_isalpha(static_cast<unsigned char>(c)); };
  auto digit = [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); };
  // A full postcode: the inward code is a digit and two letters.
  if (key.size() >= 5 && key.size() <= 7 && digit(key[key.size() - 3]) && alpha(key[key.size() - 2]) &&
      alpha(key.back())) {
    const std::string outward = key.substr(0, key.size() - 3);
    if (!IsOutward(outward)) return "";
    return outward + " " + key[key.size() - 3];
  }
  // A sector: the outward code and one digit, with or without the space.
  if (const size_t sp = v.find(' '); sp != std::string::npos) {
    const std::string outward = PostcodeKey(v.substr(0, sp)), inward = PostcodeKey(v.substr(sp + 1));
    if (inward.size() == 1 && digit(inward[0]) && IsOutward(outward)) return outward + " " + inward;
    return "";
  }
  if (key.size() >= 3 && key.size() <= 5 && digit(key.back()) && IsOutward(key.substr(0, key.size() - 1)))
    return key.substr(0, key.size() - 1) + " " + key.back();
  return "";
}

// ---- LaCodes --------------------------------------------------------------------------

absl::StatusOr<LaCodes> LaCodes::Parse(const std::string& csv) {
  auto t = ReadReferenceCsv(csv, {"ons_code", "la", "name", "region", "kind", "part_of"}, "LA codes");
  if (!t.ok()) return t.status();
  LaCodes out;
  for (const auto& row : t->rows) {
    const std::string ons = t->Get(row, "ons_code"), la = t->Get(row, "la"), kind = t->Get(row, "kind");
    const std::string part_of = t->Get(row, "part_of");
    if (ons.size() != 9 || la.size() != 3 || !std::all_of(la.begin(), la.end(), ::isdigit)) {
      return absl::InvalidArgumentError(
          absl::StrCat("LA codes line ", row.line, ": expected an ONS code and a DfE code"));
    }
    if (kind == "la") {
      out.by_ons_[ons] = la;
      out.ons_of_la_[la] = ons;
      for (const std::string& f : NameForms(t->Get(row, "name"))) out.by_name_.emplace(f, la);
    } else if (kind == "district") {
      out.by_ons_[ons] = la;
    } else if (kind == "former") {
      // Its area is one LA now (part_of one code): a lookup naming it means that LA.
      if (part_of.size() == 3) out.by_ons_[ons] = part_of;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("LA codes line ", row.line, ": kind '", kind, "' is not la, former or district"));
    }
  }
  return out;
}

const LaCodes& LaCodes::Shipped() { return ShippedTable<LaCodes>(kEmbedded_la_codes, "LA codes"); }

std::string LaCodes::PlLaOfOns(std::string_view ons) const {
  std::string code = Upper(ons);
  if (code.empty()) return "";
  switch (code[0]) {
    case 'W':
      return "WAL";
    case 'S':
      return "SCO";
    case 'N':
      return "NIR";
    default:
      break;
  }
  auto it = by_ons_.find(code);
  return it == by_ons_.end() ? "" : it->second;
}

std::string LaCodes::DfeCodeOfName(std::string_view name) const {
  for (const std::string& f : NameForms(name)) {
    auto it = by_name_.find(f);
    if (it != by_name_.end()) return it->second;
  }
  return "";
}

std::string LaCodes::OnsOfDfe(std::string_view la) const {
  auto it = ons_of_la_.find(std::string(la));
  return it == ons_of_la_.end() ? "" : it->second;
}

// ---- ReferenceData --------------------------------------------------------------------

void ReferenceData::AddSector(const std::string& sector, SectorPlace place) { sectors_[sector] = std::move(place); }

void ReferenceData::AddProvider(Provider p) {
  if (p.la.empty() && !p.la_name.empty()) p.la = LaCodes::Shipped().DfeCodeOfName(p.la_name);
  auto [it, added] = providers_.try_emplace(p.urn, p);
  if (added) return;
  Provider& q = it->second;
  q.place_codes.insert(p.place_codes.begin(), p.place_codes.end());
  q.provider_codes.insert(p.provider_codes.begin(), p.provider_codes.end());
  if (!q.reg_end) q.reg_end = p.reg_end;
  if (q.postcode.empty()) q.postcode = p.postcode;
  if (q.la_name.empty()) q.la_name = p.la_name;
  if (q.la.empty()) q.la = p.la;
}

uint16_t ReferenceData::DistrictIndex(const std::string& ons) {
  auto [it, added] = district_index_.try_emplace(ons, static_cast<uint16_t>(districts_.size()));
  if (added) {
    if (districts_.size() >= 0xFFFF) return 0xFFFF;  // more districts than the UK has: none kept
    districts_.push_back(ons);
    district_pl_la_.push_back(LaCodes::Shipped().PlLaOfOns(ons));
  }
  return it->second;
}

void ReferenceData::AddPostcode(std::string_view postcode, double east, double north, bool has_grid,
                                const std::string& ons) {
  const uint64_t packed = Pack(PostcodeKey(postcode));
  if (packed == 0) return;
  Full f{packed << 16 | DistrictIndex(ons), has_grid ? static_cast<int32_t>(std::lround(east)) : -1,
         has_grid ? static_cast<int32_t>(std::lround(north)) : -1};
  auto at = std::lower_bound(full_.begin(), full_.end(), f, [](const Full& a, const Full& b) { return a.key < b.key; });
  full_.insert(at, f);
}

std::optional<SectorPlace> ReferenceData::Locate(std::string_view postcode) const {
  const std::string s = PostcodeSector(postcode);
  if (s.empty()) return std::nullopt;
  if (IsFull(postcode, s)) {
    const uint64_t packed = Pack(PostcodeKey(postcode));
    auto at =
        std::lower_bound(full_.begin(), full_.end(), packed << 16, [](const Full& a, uint64_t k) { return a.key < k; });
    if (at == full_.end() || (at->key >> 16) != packed) return std::nullopt;
    SectorPlace p;
    p.has_grid = at->east >= 0 && at->north >= 0;
    p.east = at->east;
    p.north = at->north;
    const size_t d = at->key & 0xFFFF;
    if (d < districts_.size()) {
      p.ons_district = districts_[d];
      p.pl_la = district_pl_la_[d];
    }
    return p;
  }
  auto it = sectors_.find(s);
  if (it == sectors_.end()) return std::nullopt;
  return it->second;
}

const Provider* ReferenceData::FindProvider(std::string_view urn) const {
  auto it = providers_.find(Upper(urn));
  return it == providers_.end() ? nullptr : &it->second;
}

std::optional<double> ReferenceData::Miles(const SectorPlace& a, const SectorPlace& b) {
  if (!a.has_grid || !b.has_grid) return std::nullopt;
  const double m =
      std::sqrt((a.east - b.east) * (a.east - b.east) + (a.north - b.north) * (a.north - b.north)) / 1000.0 / 1.6093;
  return std::round(m * 10.0) / 10.0;
}

absl::Status ReferenceData::LoadPostcodes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open the postcode lookup"));
  return LoadPostcodesFrom(in, path);
}

absl::Status ReferenceData::LoadPostcodesFrom(std::istream& in, const std::string& name) {
  std::string line;
  if (!std::getline(in, line)) return absl::InvalidArgumentError(absl::StrCat(name, ": the postcode lookup is empty"));
  if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const std::vector<std::string> header = SplitCsv(line);
  int pcd = -1, east = -1, north = -1, lad = -1, doterm = -1;
  int pcd_rank = 0;
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string h = Lower(header[i]);
    const int col = static_cast<int>(i);
    const int rank = h == "pcds" ? 3 : h == "pcd2" ? 2 : h == "pcd" ? 1 : 0;
    if (rank > pcd_rank) {
      pcd = col;
      pcd_rank = rank;
    }
    if (h == "oseast1m") east = col;
    if (h == "osnrth1m") north = col;
    if (h == "doterm") doterm = col;
    const bool ladnn = h.size() == 7 && h.rfind("lad", 0) == 0 && h.substr(5) == "cd" &&
                       absl::ascii_isdigit(static_cast<unsigned char>(h[3])) &&
                       absl::ascii_isdigit(static_cast<unsigned char>(h[4]));
    if (h == "laua" || h == "oslaua" || (ladnn && lad < 0)) lad = col;
  }
  std::string missing;
  for (auto [col, what] :
       {std::pair{pcd, "pcd or pcds"}, {east, "oseast1m"}, {north, "osnrth1m"}, {lad, "laua or oslaua"}}) {
    if (col < 0) absl::StrAppend(&missing, missing.empty() ? "" : ", ", what);
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": not the ONS postcode lookup (NSPL or ONSPD CSV): its header has no column ", missing));
  }
  const int need = std::max({pcd, east, north, lad, doterm}) + 1;
  std::unordered_map<std::string, SectorSums> sums;
  int64_t rows = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> f = SplitCsv(line);
    if (static_cast<int>(f.size()) < need) continue;
    const std::string sector = PostcodeSector(f[pcd]);
    if (sector.empty()) continue;
    ++rows;
    SectorSums& s = sums[sector];
    const bool live = doterm < 0 || Strip(f[doterm]).empty();
    const auto e = Number(f[east]), n = Number(f[north]);
    // ONS writes no grid reference as blank (or, in older editions, 0 / 1000000+).
    const bool grid = e && n && *e > 0 && *n > 0 && *e < 1000000 && *n < 1300000;
    if (grid) {
      s.east_all += *e;
      s.north_all += *n;
      ++s.all;
      if (live) {
        s.east_live += *e;
        s.north_live += *n;
        ++s.live;
      }
    }
    const std::string ons = Upper(Strip(f[lad]));
    if (IsFull(f[pcd], sector)) {
      if (const uint64_t packed = Pack(PostcodeKey(f[pcd]))) {
        full_.push_back(Full{packed << 16 | DistrictIndex(ons), grid ? static_cast<int32_t>(*e) : -1,
                             grid ? static_cast<int32_t>(*n) : -1});
      }
    }
    if (ons.empty()) continue;
    auto d = std::find_if(s.districts.begin(), s.districts.end(), [&](const auto& x) { return x.first == ons; });
    if (d == s.districts.end()) {
      s.districts.push_back({ons, {0, 0}});
      d = s.districts.end() - 1;
    }
    d->second.second += 1;
    if (live) d->second.first += 1;
  }
  if (rows == 0) return absl::InvalidArgumentError(absl::StrCat(name, ": the postcode lookup has no postcodes"));
  std::sort(full_.begin(), full_.end(), [](const Full& a, const Full& b) { return a.key < b.key; });
  full_.shrink_to_fit();
  const LaCodes& la = LaCodes::Shipped();
  for (auto& [sector, s] : sums) {
    SectorPlace p;
    if (s.live > 0) {
      p.east = s.east_live / static_cast<double>(s.live);
      p.north = s.north_live / static_cast<double>(s.live);
      p.has_grid = true;
    } else if (s.all > 0) {
      p.east = s.east_all / static_cast<double>(s.all);
      p.north = s.north_all / static_cast<double>(s.all);
      p.has_grid = true;
    }
    // The district most of its postcodes lie in: live ones first, then all.
    std::pair<int64_t, int64_t> best{-1, -1};
    for (const auto& [ons, counts] : s.districts) {
      if (counts > best) {
        best = counts;
        p.ons_district = ons;
      }
    }
    p.pl_la = la.PlLaOfOns(p.ons_district);
    AddSector(sector, std::move(p));
  }
  postcodes_loaded_ = true;
  return absl::OkStatus();
}

absl::Status ReferenceData::LoadProviders(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open the provider list"));
  char magic[2] = {0, 0};
  in.read(magic, 2);
  if (magic[0] == 'P' && magic[1] == 'K') {  // a zip: the XLSX workbook
    in.close();
    bool date1904 = false;
    std::map<std::string, std::unique_ptr<ProviderSheet>> sheets;
    absl::Status s = ReadXlsxRows(
        path,
        [&](const std::string& sheet, int64_t, const std::vector<std::string>& cells) {
          auto& h = sheets[sheet];
          if (!h) h = std::make_unique<ProviderSheet>(this, date1904);
          h->Row(cells);
        },
        &date1904);
    if (!s.ok()) return s;
    int found = 0;
    for (const auto& [name, h] : sheets) found += h->matched();
    if (found == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(path,
                       ": no sheet of the workbook is an Ofsted provider list (a heading row with URN and Provider "
                       "Placement Code, Placement code, Provider Code, Closed Date or Setting Postcode)"));
    }
    providers_loaded_ = true;
    return absl::OkStatus();
  }
  in.clear();
  in.seekg(0);
  return LoadProvidersCsv(in, path);
}

absl::Status ReferenceData::LoadProvidersCsv(std::istream& in, const std::string& name) {
  ProviderSheet sheet(this, false);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (first && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    first = false;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    sheet.Row(SplitCsv(line));
  }
  if (!sheet.matched()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name,
                     ": not an Ofsted provider list: no heading row with URN and Provider Placement Code, Placement "
                     "code, Provider Code, Closed Date or Setting Postcode among its first rows"));
  }
  providers_loaded_ = true;
  return absl::OkStatus();
}

// ---- which rules run ------------------------------------------------------------------

bool CanRun(const RuleDef& rule, const ReferenceData* ref) {
  if ((rule.needs & kNeedsPostcodes) && !(ref && ref->has_postcodes())) return false;
  if ((rule.needs & kNeedsProviders) && !(ref && ref->has_providers())) return false;
  return true;
}

std::vector<NotRun> RulesNotRun(std::string_view dataset, int year, const ReferenceData* ref) {
  std::vector<NotRun> out;
  std::set<std::string> seen;
  for (const RuleDef* d : EngineRulesFor(dataset, year)) {
    if (CanRun(*d, ref) || !seen.insert(std::string(d->info.code)).second) continue;
    std::string option;
    if ((d->needs & kNeedsPostcodes) && !(ref && ref->has_postcodes())) option = "--postcodes";
    if ((d->needs & kNeedsProviders) && !(ref && ref->has_providers()))
      absl::StrAppend(&option, option.empty() ? "" : ", ", "--providers");
    out.push_back({std::string(d->info.code), option});
  }
  // In the order a reader looks for them: 164 before 1015, 392a before 392c.
  auto number = [](const std::string& c) {
    size_t i = 0;
    while (i < c.size() && absl::ascii_isdigit(static_cast<unsigned char>(c[i]))) ++i;
    return std::make_pair(i == 0 ? 0 : std::stol(c.substr(0, i)), c.substr(i));
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const NotRun& a, const NotRun& b) { return number(a.code) < number(b.code); });
  return out;
}

}  // namespace carestat::validation
