#include "services/ingestion/validation/model.h"

#include <algorithm>
#include <cctype>
#include <mutex>

#include "services/common/dates.h"

namespace carestat::validation {

const std::string& Row::Get(std::string_view name) const {
  static const std::string* empty = new std::string();
  for (const Item& i : items) {
    if (i.name == name) return i.value;
  }
  return *empty;
}

bool Row::Has(std::string_view name) const {
  return std::any_of(items.begin(), items.end(), [&](const Item& i) { return i.name == name; });
}

std::vector<const Item*> Row::All(std::string_view name) const {
  std::vector<const Item*> out;
  for (const Item& i : items) {
    if (i.name == name) out.push_back(&i);
  }
  return out;
}

int64_t Row::LineOf(std::string_view name) const {
  for (const Item& i : items) {
    if (i.name == name && i.line > 0) return i.line;
  }
  return line;
}

void Row::Set(std::string_view name, std::string value, int64_t at) {
  items.push_back(Item{Intern(name), std::move(value), at});
}

std::string_view Intern(std::string_view name) {
  static std::mutex* mu = new std::mutex();
  static std::set<std::string, std::less<>>* names = new std::set<std::string, std::less<>>();
  std::lock_guard<std::mutex> lock(*mu);
  auto it = names->find(name);
  if (it != names->end()) return *it;
  if (names->size() >= 4096) return {};
  return *names->emplace(name).first;
}

const std::vector<const Row*>& ChildData::Rows(std::string_view table) const {
  static const std::vector<const Row*>* none = new std::vector<const Row*>();
  auto it = tables.find(table);
  return it == tables.end() ? *none : it->second;
}

const Row* ChildData::First(std::string_view table) const {
  const auto& rows = Rows(table);
  return rows.empty() ? nullptr : rows.front();
}

std::vector<const Row*> ChildData::Within(std::string_view table, const Row* parent) const {
  std::vector<const Row*> out;
  for (const Row* r : Rows(table)) {
    if (r->parent == parent) out.push_back(r);
  }
  return out;
}

bool Blank(std::string_view v) {
  return std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isspace(c); });
}

std::optional<int32_t> ParseDay(std::string_view v) {
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
  if (v.size() > 10) {
    // "2025-04-01T00:00:00" or "01/04/2025 00:00": the date part only.
    const char sep = v[10];
    if (sep == 'T' || sep == ' ') v = v.substr(0, 10);
  }
  if (v.size() != 10) return std::nullopt;
  if (v[2] == '/') return ParseUkDate(v);
  if (v[4] == '-') return ParseIsoDate(v);
  return std::nullopt;
}

std::optional<int32_t> Day(const Row* row, std::string_view name) {
  if (!row) return std::nullopt;
  return ParseDay(row->Get(name));
}

std::vector<const Row*> InDateOrder(const std::vector<const Row*>& rows, std::string_view field) {
  std::vector<std::pair<int32_t, const Row*>> dated;
  for (const Row* r : rows) {
    if (auto d = Day(r, field)) dated.emplace_back(*d, r);
  }
  std::stable_sort(dated.begin(), dated.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const Row*> out;
  out.reserve(dated.size());
  for (const auto& [d, r] : dated) out.push_back(r);
  return out;
}

int AgeOn(int32_t dob, int32_t on) {
  int by, bm, bd, y, m, d;
  CivilFromDays(dob, &by, &bm, &bd);
  CivilFromDays(on, &y, &m, &d);
  int age = y - by;
  if (m < bm || (m == bm && d < bd)) --age;
  return age;
}

int Weekday(int32_t day) {
  // 1970-01-01 was a Thursday (3 with Monday 0).
  int w = (day + 3) % 7;
  return w < 0 ? w + 7 : w;
}

std::string ShowDay(const Context& ctx, int32_t day) {
  return ctx.dataset == "cin" ? FormatIsoDate(day) : FormatUkDate(day);
}

bool OneOf(std::string_view v, std::initializer_list<std::string_view> codes) {
  return std::find(codes.begin(), codes.end(), v) != codes.end();
}

std::string Upper(std::string_view v) {
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
  std::string out(v);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string_view SexField(const Row* c, int year) {
  const std::string_view mine = year >= 2025 || year == 0 ? "Sex" : "GenderCurrent";
  const std::string_view other = mine == "Sex" ? "GenderCurrent" : "Sex";
  return c->Has(mine) || !c->Has(other) ? mine : other;
}

const std::string& SexOf(const Row* c, int year) { return c->Get(SexField(c, year)); }

std::vector<const RuleDef*> EngineRulesFor(std::string_view dataset, int year) {
  std::vector<const RuleDef*> out;
  for (const RuleDef& d : EngineRules()) {
    if (d.info.dataset != dataset) continue;
    if (year == 0 ? d.info.to_year != 0 : !RuleAppliesIn(d.info, year)) continue;
    out.push_back(&d);
  }
  return out;
}

}  // namespace carestat::validation
