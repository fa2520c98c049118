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

// The earliest day a record's figures can lie on: its earliest date (INT32_MIN when
// its main date is blank, or for kinds not listed, so that every day counts).
int32_t MinDay(int32_t main, int32_t other) {
  if (main == kNoDay) return INT32_MIN;
  return other == kNoDay ? main : std::min(main, other);
}
template <typename T>
int32_t EarliestDay(const T& rec) {
  Item<T> item{rec, SourceList()};
  SetDays(item);
  return MinDay(item.day[0], item.day[1]);
}
int32_t EarliestDay(const v1::CinPlan& p) { return MinDay(DayOrNone(p.start_date()), DayOrNone(p.end_date())); }
int32_t EarliestDay(const v1::Adoption&) { return INT32_MIN; }
int32_t EarliestDay(const v1::CareLeaver&) { return INT32_MIN; }
int32_t EarliestDay(const v1::CarePeriod&) { return INT32_MIN; }
int32_t EarliestDay(const v1::Contact& c) { return MinDay(DayOrNone(c.contact_date()), kNoDay); }

template <typename T>
bool SameRecord(const T& a, const T& b) {
  if (&a == &b) return true;
  const size_t size = a.ByteSizeLong();
  if (size != b.ByteSizeLong()) return false;
  // Serialized into buffers kept between calls (a replaced return compares thousands).
  thread_local std::string x, y;
  x.resize(size);
  y.resize(size);
  a.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(x.data()));
  b.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(y.data()));
  return x == y;
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
  if (d == "annex-a") return {"contact", "referral", "assessment", "section47", "cp_plan", "care_period", "care_leaver"};
  if (d == "annex-a-list-1") return {"contact"};
  if (d == "annex-a-list-3") return {"referral"};
  if (d == "annex-a-list-4") return {"assessment"};
  if (d == "annex-a-list-5") return {"section47"};
  if (d == "annex-a-list-7") return {"cp_plan"};
  if (d == "annex-a-list-8") return {"care_period"};
  if (d == "annex-a-list-9") return {"care_leaver"};
  if (d == "local-measures") return {"local_measure"};
  return {};
}

RecordSet::ReturnIndex RecordSet::InternReturn(const std::string& return_id) {
  if (has_last_return_ && return_ids_[last_return_] == return_id) return last_return_;
  auto [it, inserted] = return_index_.try_emplace(return_id, static_cast<ReturnIndex>(return_ids_.size()));
  if (inserted) {
    return_ids_.push_back(return_id);
    held_.emplace_back();
  }
  last_return_ = it->second;
  has_last_return_ = true;
  return last_return_;
}

google::protobuf::Arena& RecordSet::ArenaOf(ReturnIndex ret) {
  HeldReturn& h = held_[ret];
  if (!h.arena) h.arena = std::make_unique<google::protobuf::Arena>(ArenaOptionsForRecords());
  return *h.arena;
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
void RecordSet::Deduper<T>::MarkStale(uint32_t idx) {
  Entry& e = entries[idx];
  if (!e.stale) {
    e.stale = true;
    e.was = e.rec;  // REQUIRES: called before the entry changes
    e.was_copies = e.rec == nullptr ? 0 : e.copies;
    stale.push_back(idx);
  }
  changed = true;
}

template <typename T>
template <typename KeyOf>
void RecordSet::Deduper<T>::Add(RecordSet& set, KeyOf key_of, ReturnIndex ret, const T& rec) {
  T* copy = google::protobuf::Arena::CreateMessage<T>(&set.ArenaOf(ret));
  *copy = rec;
  Key key = key_of(*copy);
  key.hash = absl::HashOf(key.child, key.table, key.a, key.b);
  auto [found, inserted] = by_key.try_emplace(key, static_cast<uint32_t>(entries.size()));
  if (inserted) {
    Entry& e = entries.emplace_back();
    e.key_rec = copy;
    e.key_return = ret;
  }
  const uint32_t idx = found->second;
  if (!inserted && entries[idx].versions.empty()) {
    // A key every holder of which was removed, coming back (a return replaced): the
    // entry lives on, keyed now by the new record (the old one is about to be freed).
    by_key.erase(found);
    by_key.emplace(key, idx);
    entries[idx].key_rec = copy;
    entries[idx].key_return = ret;
  }
  MarkStale(idx);
  Entry& e = entries[idx];
  bool had = false;
  for (Version& v : e.versions) {
    if (v.ret == ret) {
      ++v.count;
      v.rec = copy;  // of two records with the key in one return, the later is kept
      had = true;
      break;
    }
  }
  if (!had) {
    e.versions.push_back(Version{ret, 1, copy});
    if (adding == nullptr || adding_return != ret) {
      adding = &held_by_return[ret];
      adding_return = ret;
    }
    adding->push_back(idx);
  }
  // Return ids are "LA/collection year/dataset": a later year sorts later.
  if (e.rec == nullptr || ret == e.rec_return || set.return_ids_[ret] >= set.return_ids_[e.rec_return]) {
    e.rec = copy;
    e.rec_return = ret;
  }
}

template <typename T>
template <typename KeyOf>
void RecordSet::Deduper<T>::Remove(RecordSet& set, KeyOf key_of, ReturnIndex ret) {
  auto held = held_by_return.find(ret);
  if (held == held_by_return.end()) return;
  adding = nullptr;
  for (uint32_t idx : held->second) {
    MarkStale(idx);
    Entry& e = entries[idx];
    e.versions.erase(std::remove_if(e.versions.begin(), e.versions.end(), [ret](const Version& v) { return v.ret == ret; }),
                     e.versions.end());
    e.rec = nullptr;
    for (const Version& v : e.versions) {
      if (e.rec == nullptr || set.return_ids_[v.ret] > set.return_ids_[e.rec_return]) {
        e.rec = v.rec;
        e.rec_return = v.ret;
      }
    }
    if (e.key_return == ret) {
      // The key views a record that Finalize frees: key the entry by a version that
      // stays; with none left, keep the key until Finalize (a replacing return may bring
      // it back, and its entry, to be compared), which then forgets it.
      Key old = key_of(*e.key_rec);
      old.hash = absl::HashOf(old.child, old.table, old.a, old.b);
      if (!e.versions.empty()) {
        by_key.erase(old);
        e.key_rec = e.versions.front().rec;
        e.key_return = e.versions.front().ret;
        Key now = key_of(*e.key_rec);
        now.hash = old.hash;
        by_key.emplace(now, idx);
      } else {
        orphans.emplace_back(idx, old);
      }
    }
  }
  held_by_return.erase(held);
}

template <typename T>
bool RecordSet::Deduper<T>::Finalize(RecordSet& set) {
  // Keys no return brought back view records about to be freed: forget them (a later
  // return with the key starts a new entry).
  for (const auto& [idx, key] : orphans) {
    Entry& e = entries[idx];
    if (!e.versions.empty()) continue;  // brought back, and keyed by the new record
    by_key.erase(key);
    e.key_rec = nullptr;
  }
  orphans.clear();
  if (!changed) return false;
  for (uint32_t idx : stale) {
    Entry& e = entries[idx];
    e.stale = false;
    const T* was = e.was;
    e.was = nullptr;
    int32_t n = 0;
    absl::InlinedVector<ReturnIndex, 4> returns;
    for (const Version& v : e.versions) {
      n = std::max(n, v.count);
      returns.push_back(v.ret);
    }
    if (e.rec == nullptr) n = 0;
    if (set.compare_) {
      // Figures move only where the record counted differs (or counts more or less often).
      const bool moved = was == nullptr || e.rec == nullptr ? was != e.rec
                                                             : e.was_copies != n || !SameRecord(*was, *e.rec);
      if (moved) {
        if (year_day != INT32_MIN) {
          set.NoteChange(year_day);
        } else {
          set.NoteChange(was == nullptr ? INT32_MAX : EarliestDay(*was));
          set.NoteChange(e.rec == nullptr ? INT32_MAX : EarliestDay(*e.rec));
        }
      }
    }
    if (e.rec == nullptr) continue;
    e.copies = n;
    e.sources = set.SourcesOf(std::move(returns));
    Item<T> item{*e.rec, e.sources};
    SetDays(item);
    e.day[0] = item.day[0];
    e.day[1] = item.day[1];
  }
  stale.clear();
  size_t total = 0;
  for (const Entry& e : entries) {
    if (e.rec != nullptr) total += static_cast<size_t>(e.copies);
  }
  items.clear();
  items.reserve(total);
  for (const Entry& e : entries) {
    if (e.rec == nullptr) continue;
    for (int32_t i = 0; i < e.copies; ++i) items.push_back(Item<T>{*e.rec, e.sources, {e.day[0], e.day[1]}});
  }
  changed = false;
  return true;
}

void RecordSet::AddReturn(const v1::ReturnInfo& info) {
  for (const auto& kind : KindsOfDataset(info.dataset())) covered_[kind].insert(info.collection_year() - 1);
}

namespace {

// Each kind's natural key (the child, then its dates), viewing the record given.
template <typename DateOf>
auto Dated(DateOf date_of) {
  return [date_of](const auto& rec) {
    RecordSetKey k;
    k.child = rec.child_id();
    k.a = DateKey(date_of(rec));
    return k;
  };
}

const auto kContactKey = Dated([](const v1::Contact& c) -> const v1::Date& { return c.contact_date(); });
const auto kReferralKey = Dated([](const v1::Referral& x) -> const v1::Date& { return x.referral_date(); });
const auto kSection47Key = Dated([](const v1::Section47& x) -> const v1::Date& { return x.start_date(); });
const auto kCpPlanKey = Dated([](const v1::CpPlan& x) -> const v1::Date& { return x.start_date(); });
const auto kCinPlanKey = Dated([](const v1::CinPlan& x) -> const v1::Date& { return x.start_date(); });
const auto kCareEpisodeKey = Dated([](const v1::CareEpisode& x) -> const v1::Date& { return x.start_date(); });
const auto kAssessmentKey = [](const v1::Assessment& x) {
  RecordSetKey k;
  k.child = x.child_id();
  k.a = DateKey(x.start_date());
  k.b = DateKey(x.authorisation_date());
  return k;
};
const auto kAdoptionKey = [](const v1::Adoption& x) {
  RecordSetKey k;
  k.child = x.child_id();
  k.table = x.source_table();
  k.a = DateKey(x.decision_date());
  return k;
};
const auto kCarePeriodKey = Dated([](const v1::CarePeriod& x) -> const v1::Date& { return x.start_date(); });
// One per child in each year's return.
const auto kCareLeaverKey = [](const v1::CareLeaver& x) {
  RecordSetKey k;
  k.child = x.child_id();
  return k;
};

// How far a dataset's word on a child counts: SSDA903 describes looked-after children
// best; then the census; then the rest.
int ChildRank(std::string_view return_id) {
  const std::string_view ds = ReturnDataset(return_id);
  return ds.substr(0, 7) == "ssda903" ? 3 : ds == "cin-census" ? 2 : 1;
}

}  // namespace

void RecordSet::Add(const v1::Record& r) {
  ++records_;
  const ReturnIndex ret = InternReturn(r.return_id());
  HeldReturn& held = held_[ret];
  held.held = true;
  ++held.records;
  if (r.has_error()) {
    ++excluded_;
    ++held.excluded;
    ++excluded_by_return_[r.return_id()];
    return;
  }
  switch (r.kind_case()) {
    case v1::Record::kContact:
      contacts_.Add(*this, kContactKey, ret, r.contact());
      break;
    case v1::Record::kReferral:
      referrals_.Add(*this, kReferralKey, ret, r.referral());
      break;
    case v1::Record::kAssessment:
      assessments_.Add(*this, kAssessmentKey, ret, r.assessment());
      break;
    case v1::Record::kSection47:
      section47s_.Add(*this, kSection47Key, ret, r.section47());
      break;
    case v1::Record::kCpPlan:
      cp_plans_.Add(*this, kCpPlanKey, ret, r.cp_plan());
      break;
    case v1::Record::kCinPlan:
      cin_plans_.Add(*this, kCinPlanKey, ret, r.cin_plan());
      break;
    case v1::Record::kCareEpisode:
      care_episodes_.Add(*this, kCareEpisodeKey, ret, r.care_episode());
      break;
    case v1::Record::kAdoption:
      adoptions_.Add(*this, kAdoptionKey, ret, r.adoption());
      break;
    case v1::Record::kCareLeaver: {
      const int fy = ReturnYear(r.return_id());
      auto& d = care_leavers_[fy];
      d.year_day = FinancialYearStart(fy);
      d.Add(*this, kCareLeaverKey, ret, r.care_leaver());
      break;
    }
    case v1::Record::kCarePeriod: {
      const int fy = ReturnYear(r.return_id());
      auto& d = care_periods_[fy];
      d.year_day = FinancialYearStart(fy);
      d.Add(*this, kCarePeriodKey, ret, r.care_period());
      break;
    }
    case v1::Record::kLocalMeasure:
      held.local_measures.push_back(r.local_measure());
      local_measures_changed_ = true;
      NoteChange(PeriodStart(r.local_measure().period()));
      break;
    case v1::Record::kChild: {
      v1::Child* copy = google::protobuf::Arena::CreateMessage<v1::Child>(&ArenaOf(ret));
      *copy = r.child();
      auto [it, inserted] = children_.try_emplace(copy->child_id());
      HeldChild& child = it->second;
      child.id = &it->first;
      if (std::none_of(child.versions.begin(), child.versions.end(), [ret](const auto& v) { return v.first == ret; }))
        held.children.push_back(&it->first);
      child.versions.emplace_back(ret, copy);
      if (!child.stale) {
        child.stale = true;
        stale_children_.push_back(&child);
      }
      break;
    }
    default:
      break;
  }
}

void RecordSet::RemoveReturn(const std::string& return_id) {
  auto found = return_index_.find(return_id);
  if (found == return_index_.end()) return;
  const ReturnIndex ret = found->second;
  HeldReturn& held = held_[ret];
  if (!held.held) return;
  contacts_.Remove(*this, kContactKey, ret);
  referrals_.Remove(*this, kReferralKey, ret);
  assessments_.Remove(*this, kAssessmentKey, ret);
  section47s_.Remove(*this, kSection47Key, ret);
  cp_plans_.Remove(*this, kCpPlanKey, ret);
  cin_plans_.Remove(*this, kCinPlanKey, ret);
  care_episodes_.Remove(*this, kCareEpisodeKey, ret);
  adoptions_.Remove(*this, kAdoptionKey, ret);
  for (auto& [fy, d] : care_leavers_) d.Remove(*this, kCareLeaverKey, ret);
  for (auto& [fy, d] : care_periods_) d.Remove(*this, kCarePeriodKey, ret);
  for (const std::string* id : held.children) {
    auto it = children_.find(*id);
    if (it == children_.end()) continue;
    HeldChild& child = it->second;
    child.versions.erase(std::remove_if(child.versions.begin(), child.versions.end(),
                                        [ret](const auto& v) { return v.first == ret; }),
                         child.versions.end());
    if (!child.stale) {
      child.stale = true;
      stale_children_.push_back(&child);
    }
  }
  if (!held.local_measures.empty()) local_measures_changed_ = true;
  for (const auto& m : held.local_measures) NoteChange(PeriodStart(m.period()));
  records_ -= held.records;
  excluded_ -= held.excluded;
  excluded_by_return_.erase(return_id);
  // Its records stay until Finalize has compared them with what replaces them.
  retired_.push_back(std::move(held));
  held_[ret] = HeldReturn{};
  has_last_return_ = false;
}

void RecordSet::MergeChild(HeldChild& held) const {
  // In return order (a later return's word wins at the same rank), each return's
  // records in the order they came.
  auto versions = held.versions;
  std::stable_sort(versions.begin(), versions.end(), [this](const auto& x, const auto& y) {
    return return_ids_[x.first] < return_ids_[y.first];
  });
  ChildInfo info;
  int rank = 0;  // of the dataset that last described the child
  for (const auto& [ret, c] : versions) {
    const int r = ChildRank(return_ids_[ret]);
    if (r < rank) continue;
    rank = r;
    if (c->sex() != v1::SEX_UNSPECIFIED) info.sex = c->sex();
    if (c->has_birth_date()) info.birth_date = ToDays(c->birth_date());
    if (!c->ethnicity().empty()) info.ethnicity = c->ethnicity();
    info.uasc = info.uasc || c->uasc();
  }
  held.info = std::move(info);
}

void RecordSet::Finalize() {
  contacts_.Finalize(*this);
  referrals_.Finalize(*this);
  assessments_.Finalize(*this);
  section47s_.Finalize(*this);
  cp_plans_.Finalize(*this);
  cin_plans_.Finalize(*this);
  // Adoption rows in the order of their natural key (child|table|decision date), as
  // an ordered map once gave them: A2 takes the first of a child's AD1 rows with the
  // latest match date.
  if (adoptions_.Finalize(*this)) {
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
  for (auto& [fy, d] : care_periods_) d.Finalize(*this);
  if (care_episodes_.Finalize(*this)) looked_after_by_child_ = ByChild(care_episodes_.items);
  // A child no return describes any more is forgotten here, not when the return goes,
  // so that a replacing return describing the child the same way changes nothing.
  std::vector<std::string> gone;
  for (HeldChild* child : stale_children_) {
    child->stale = false;
    const ChildInfo before = child->info;
    MergeChild(*child);
    // A child's details count on every day the child has a record.
    if (compare_ && !(before == child->info)) NoteChange(INT32_MIN);
    if (child->versions.empty()) gone.push_back(*child->id);
  }
  stale_children_.clear();
  for (const auto& id : gone) children_.erase(id);
  if (local_measures_changed_) {
    std::vector<ReturnIndex> order;
    for (ReturnIndex r = 0; r < held_.size(); ++r) {
      if (!held_[r].local_measures.empty()) order.push_back(r);
    }
    std::sort(order.begin(), order.end(),
              [this](ReturnIndex x, ReturnIndex y) { return return_ids_[x] < return_ids_[y]; });
    local_measures_.clear();
    for (ReturnIndex r : order) {
      local_measures_.insert(local_measures_.end(), held_[r].local_measures.begin(), held_[r].local_measures.end());
    }
    local_measures_changed_ = false;
  }
  retired_.clear();  // frees the removed returns' records
  compare_ = true;
}

int32_t RecordSet::TakeEarliestChange() {
  const int32_t day = earliest_change_;
  earliest_change_ = INT32_MAX;
  return day;
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

const std::vector<Item<v1::CarePeriod>>& RecordSet::care_periods(int fy) const {
  static const std::vector<Item<v1::CarePeriod>> kNone;
  auto it = care_periods_.find(fy);
  return it == care_periods_.end() ? kNone : it->second.items;
}

const ChildInfo* RecordSet::child(const std::string& id) const {
  auto it = children_.find(id);
  return it == children_.end() ? nullptr : &it->second.info;
}

}  // namespace carestat
