#include "services/metrics/indicators/record_set.h"

#include <algorithm>

#include "absl/hash/hash.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/dates.h"
#include "services/metrics/indicators/care_history.h"

namespace carestat {
namespace {

// A date as a day number, or kNoDay when the return left it blank (year 0). In a
// natural key a blank date is a key of its own, as it has always been.
int32_t DayOrNone(const v1::Date& d) { return d.year() ? ToDays(d) : kNoDay; }
int32_t DateKey(const v1::Date& d) { return DayOrNone(d); }

// Item::day for each kind.
template <typename T>
void SetDays(Item<T>&) {}
void SetDays(Item<v1::Contact>& it) { it.day[0] = DayOrNone(it.rec.contact_date()); }
void SetDays(Item<v1::Referral>& it) {
  it.day[0] = DayOrNone(it.rec.referral_date());
  it.day[1] = DayOrNone(it.rec.closure_date());
}
void SetDays(Item<v1::Assessment>& it) {
  it.day[0] = DayOrNone(it.rec.start_date());
  it.day[1] = DayOrNone(it.rec.authorisation_date());
}
void SetDays(Item<v1::Section47>& it) {
  it.day[0] = DayOrNone(it.rec.start_date());
  it.day[1] = DayOrNone(it.rec.icpc_date());
}
void SetDays(Item<v1::CpPlan>& it) {
  it.day[0] = DayOrNone(it.rec.start_date());
  it.day[1] = DayOrNone(it.rec.end_date());
}
void SetDays(Item<v1::CareEpisode>& it) {
  it.day[0] = ToDays(it.rec.start_date());
  it.day[1] = DayOrNone(it.rec.end_date());
}

// The date as the natural key's text has it, for the one kind kept in key order.
std::string DateText(int32_t d) { return d == kNoDay ? "" : FormatIsoDate(d); }

// The financial year of the return a record came from ("301/2016/..." -> 2015).
int ReturnYear(std::string_view return_id) {
  const size_t first = return_id.find('/');
  if (first == std::string_view::npos) return 0;
  std::string_view rest = return_id.substr(first + 1);
  const size_t second = rest.find('/');
  const std::string_view year = rest.substr(0, second);
  int cy = 0;
  if (!absl::SimpleAtoi(absl::string_view(year.data(), year.size()), &cy)) return 0;
  return cy - 1;
}

// "LA/year/dataset" -> "dataset" ("" when the id has no two slashes).
std::string_view ReturnDataset(std::string_view return_id) {
  const size_t first = return_id.find('/');
  if (first == std::string_view::npos) return "";
  const size_t second = return_id.find('/', first + 1);
  if (second == std::string_view::npos) return "";
  return return_id.substr(second + 1);
}

}  // namespace

const std::vector<std::string> SourceList::kNone;

google::protobuf::ArenaOptions RecordSet::ArenaOptionsForRecords() {
  google::protobuf::ArenaOptions options;
  options.start_block_size = 64 << 10;
  options.max_block_size = 1 << 20;  // an LA's records run to tens of megabytes
  return options;
}

std::vector<std::string> KindsOfDataset(const std::string& d) {
  if (d == "cin-census") return {"referral", "assessment", "section47", "cp_plan", "cin_plan", "child"};
  if (d == "ssda903") return {"care_episode", "adoption", "care_leaver", "child"};
  if (d == "ssda903-episodes") return {"care_episode"};
  if (d == "ssda903-header") return {"child"};
  if (d == "ssda903-oc3") return {"care_leaver"};
  if (d == "ssda903-ad1" || d == "ssda903-placed_adoption") return {"adoption"};
  if (d == "annex-a") return {"contact", "referral", "assessment", "section47", "cp_plan", "care_leaver"};
  if (d == "annex-a-list-1") return {"contact"};
  if (d == "annex-a-list-3") return {"referral"};
  if (d == "annex-a-list-4") return {"assessment"};
  if (d == "annex-a-list-5") return {"section47"};
  if (d == "annex-a-list-7") return {"cp_plan"};
  if (d == "annex-a-list-9") return {"care_leaver"};
  if (d == "local-measures") return {"local_measure"};
  return {};
}

RecordSet::ReturnIndex RecordSet::InternReturn(const std::string& return_id) {
  if (has_last_return_ && return_ids_[last_return_] == return_id) return last_return_;
  auto [it, inserted] = return_index_.try_emplace(return_id, static_cast<ReturnIndex>(return_ids_.size()));
  if (inserted) return_ids_.push_back(return_id);
  last_return_ = it->second;
  has_last_return_ = true;
  return last_return_;
}

SourceList RecordSet::SourcesOf(absl::InlinedVector<ReturnIndex, 4> returns) {
  std::sort(returns.begin(), returns.end(),
            [this](ReturnIndex x, ReturnIndex y) { return return_ids_[x] < return_ids_[y]; });
  auto [it, inserted] = source_list_index_.try_emplace(returns, static_cast<int>(source_lists_.size()));
  if (inserted) {
    std::vector<std::string>& ids = source_lists_.emplace_back();
    for (ReturnIndex r : returns) ids.push_back(return_ids_[r]);
  }
  return SourceList(&source_lists_[static_cast<size_t>(it->second)], it->second);
}

template <typename T>
template <typename KeyOf>
void RecordSet::Deduper<T>::Add(RecordSet& set, KeyOf key_of, ReturnIndex ret, const T& rec) {
  Key key = key_of(rec);
  key.hash = absl::HashOf(key.child, key.table, key.a, key.b);
  auto found = by_key.find(key);
  if (found == by_key.end()) {
    // A new key: store the record, then key it by the stored copy's strings.
    T* copy = google::protobuf::Arena::CreateMessage<T>(&set.arena_);
    *copy = rec;
    Entry& e = entries.emplace_back(Entry{copy, ret, {{ret, 1}}});
    Key stored = key_of(*e.rec);
    stored.hash = key.hash;
    by_key.emplace(stored, static_cast<uint32_t>(entries.size() - 1));
    return;
  }
  Entry& e = entries[found->second];
  // Return ids are "LA/collection year/dataset": a later year sorts later; of two
  // records with the key in one return, the later is kept.
  if (ret == e.rec_return || set.return_ids_[ret] >= set.return_ids_[e.rec_return]) {
    *e.rec = rec;
    e.rec_return = ret;
  }
  for (auto& [r, n] : e.per_return) {
    if (r == ret) {
      ++n;
      return;
    }
  }
  e.per_return.emplace_back(ret, 1);
}

template <typename T>
void RecordSet::Deduper<T>::Finalize(RecordSet& set) {
  items.clear();
  size_t total = 0;
  for (const Entry& e : entries) {
    int32_t n = 0;
    for (const auto& [r, c] : e.per_return) n = std::max(n, c);
    total += static_cast<size_t>(n);
  }
  items.reserve(total);
  for (Entry& e : entries) {
    int32_t n = 0;
    absl::InlinedVector<ReturnIndex, 4> returns;
    for (const auto& [r, c] : e.per_return) {
      n = std::max(n, c);
      returns.push_back(r);
    }
    const SourceList sources = set.SourcesOf(std::move(returns));
    Item<T> item{*e.rec, sources};
    SetDays(item);
    for (int32_t i = 1; i < n; ++i) items.push_back(item);
    items.push_back(std::move(item));
  }
  by_key = {};
  entries = {};
}

void RecordSet::AddReturn(const v1::ReturnInfo& info) {
  for (const auto& kind : KindsOfDataset(info.dataset())) covered_[kind].insert(info.collection_year() - 1);
}

void RecordSet::Add(const v1::Record& r) {
  ++records_;
  if (r.has_error()) {
    ++excluded_;
    ++excluded_by_return_[r.return_id()];
    return;
  }
  // Each kind's natural key (the child, then its dates), viewing the record given.
  const auto dated = [](auto date_of) {
    return [date_of](const auto& rec) {
      Key k;
      k.child = rec.child_id();
      k.a = DateKey(date_of(rec));
      return k;
    };
  };
  switch (r.kind_case()) {
    case v1::Record::kContact:
      contacts_.Add(*this, dated([](const v1::Contact& c) -> const v1::Date& { return c.contact_date(); }),
                    InternReturn(r.return_id()), r.contact());
      break;
    case v1::Record::kReferral:
      referrals_.Add(*this, dated([](const v1::Referral& x) -> const v1::Date& { return x.referral_date(); }),
                     InternReturn(r.return_id()), r.referral());
      break;
    case v1::Record::kAssessment:
      assessments_.Add(
          *this,
          [](const v1::Assessment& x) {
            Key k;
            k.child = x.child_id();
            k.a = DateKey(x.start_date());
            k.b = DateKey(x.authorisation_date());
            return k;
          },
          InternReturn(r.return_id()), r.assessment());
      break;
    case v1::Record::kSection47:
      section47s_.Add(*this, dated([](const v1::Section47& x) -> const v1::Date& { return x.start_date(); }),
                      InternReturn(r.return_id()), r.section47());
      break;
    case v1::Record::kCpPlan:
      cp_plans_.Add(*this, dated([](const v1::CpPlan& x) -> const v1::Date& { return x.start_date(); }),
                    InternReturn(r.return_id()), r.cp_plan());
      break;
    case v1::Record::kCinPlan:
      cin_plans_.Add(*this, dated([](const v1::CinPlan& x) -> const v1::Date& { return x.start_date(); }),
                     InternReturn(r.return_id()), r.cin_plan());
      break;
    case v1::Record::kCareEpisode:
      care_episodes_.Add(*this, dated([](const v1::CareEpisode& x) -> const v1::Date& { return x.start_date(); }),
                         InternReturn(r.return_id()), r.care_episode());
      break;
    case v1::Record::kAdoption:
      adoptions_.Add(
          *this,
          [](const v1::Adoption& x) {
            Key k;
            k.child = x.child_id();
            k.table = x.source_table();
            k.a = DateKey(x.decision_date());
            return k;
          },
          InternReturn(r.return_id()), r.adoption());
      break;
    case v1::Record::kCareLeaver:
      // One per child in each year's return.
      care_leavers_[ReturnYear(r.return_id())].Add(
          *this,
          [](const v1::CareLeaver& x) {
            Key k;
            k.child = x.child_id();
            return k;
          },
          InternReturn(r.return_id()), r.care_leaver());
      break;
    case v1::Record::kLocalMeasure:
      local_measures_.push_back(r.local_measure());
      break;
    case v1::Record::kChild: {
      const v1::Child& c = r.child();
      // SSDA903 describes looked-after children best; then the census; then the rest.
      const std::string_view ds = ReturnDataset(r.return_id());
      const int rank = ds.substr(0, 7) == "ssda903" ? 3 : ds == "cin-census" ? 2 : 1;
      HeldChild& held = children_[c.child_id()];
      if (rank < held.rank) break;
      held.rank = rank;
      ChildInfo& info = held.info;
      if (c.sex() != v1::SEX_UNSPECIFIED) info.sex = c.sex();
      if (c.has_birth_date()) info.birth_date = ToDays(c.birth_date());
      if (!c.ethnicity().empty()) info.ethnicity = c.ethnicity();
      info.uasc = info.uasc || c.uasc();
      break;
    }
    default:
      break;
  }
}

void RecordSet::Finalize() {
  contacts_.Finalize(*this);
  referrals_.Finalize(*this);
  assessments_.Finalize(*this);
  section47s_.Finalize(*this);
  cp_plans_.Finalize(*this);
  cin_plans_.Finalize(*this);
  care_episodes_.Finalize(*this);
  adoptions_.Finalize(*this);
  // Adoption rows in the order of their natural key (child|table|decision date), as
  // an ordered map once gave them: A2 takes the first of a child's AD1 rows with the
  // latest match date.
  {
    std::vector<std::pair<std::string, size_t>> keyed;
    keyed.reserve(adoptions_.items.size());
    for (size_t i = 0; i < adoptions_.items.size(); ++i) {
      const v1::Adoption& a = adoptions_.items[i].rec;
      keyed.emplace_back(absl::StrCat(a.child_id(), "|", a.source_table(), "|", DateText(DateKey(a.decision_date()))),
                         i);
    }
    std::stable_sort(keyed.begin(), keyed.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<Item<v1::Adoption>> sorted;
    sorted.reserve(keyed.size());
    for (const auto& [key, i] : keyed) sorted.push_back(adoptions_.items[i]);
    adoptions_.items = std::move(sorted);
  }
  for (auto& [fy, d] : care_leavers_) d.Finalize(*this);
  looked_after_by_child_ = ByChild(care_episodes_.items);
}

bool RecordSet::Covers(const std::string& kind, int fy) const {
  auto it = covered_.find(kind);
  return it != covered_.end() && it->second.count(fy);
}

std::set<int> RecordSet::CoveredYears(const std::string& kind) const {
  auto it = covered_.find(kind);
  return it == covered_.end() ? std::set<int>() : it->second;
}

std::set<int> RecordSet::AllYears() const {
  std::set<int> all;
  for (const auto& [kind, years] : covered_) all.insert(years.begin(), years.end());
  return all;
}

const std::vector<Item<v1::CareLeaver>>& RecordSet::care_leavers(int fy) const {
  static const std::vector<Item<v1::CareLeaver>> kNone;
  auto it = care_leavers_.find(fy);
  return it == care_leavers_.end() ? kNone : it->second.items;
}

const ChildInfo* RecordSet::child(const std::string& id) const {
  auto it = children_.find(id);
  return it == children_.end() ? nullptr : &it->second.info;
}

}  // namespace carestat
