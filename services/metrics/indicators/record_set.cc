#include "services/metrics/indicators/record_set.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/dates.h"

namespace carestat {
namespace {

std::string DateKey(const v1::Date& d) { return d.year() ? FormatIsoDate(ToDays(d)) : ""; }

// The financial year of the return a record came from ("301/2016/..." -> 2015).
int ReturnYear(const std::string& return_id) {
  std::vector<std::string> parts = absl::StrSplit(return_id, '/');
  int cy = 0;
  if (parts.size() < 2 || !absl::SimpleAtoi(parts[1], &cy)) return 0;
  return cy - 1;
}

std::string ReturnDataset(const std::string& return_id) {
  std::vector<std::string> parts = absl::StrSplit(return_id, absl::MaxSplits('/', 2));
  return parts.size() == 3 ? parts[2] : "";
}

}  // namespace

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

template <typename T>
void RecordSet::Deduper<T>::Add(const std::string& key, const std::string& return_id, const T& rec) {
  Entry& e = by_key[key];
  // Return ids are "LA/collection year/dataset": a later year sorts later.
  if (e.rec_return.empty() || return_id >= e.rec_return) {
    e.rec = rec;
    e.rec_return = return_id;
  }
  ++e.per_return[return_id];
}

template <typename T>
void RecordSet::Deduper<T>::Finalize() {
  items.clear();
  for (auto& [key, entry] : by_key) {
    int n = 0;
    std::vector<std::string> sources;
    for (const auto& [ret, c] : entry.per_return) {
      n = std::max(n, c);
      sources.push_back(ret);
    }
    for (int i = 0; i < n; ++i) items.push_back(Item<T>{entry.rec, sources});
  }
  by_key.clear();
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
  const std::string& ret = r.return_id();
  switch (r.kind_case()) {
    case v1::Record::kContact:
      contacts_.Add(absl::StrCat(r.contact().child_id(), "|", DateKey(r.contact().contact_date())), ret, r.contact());
      break;
    case v1::Record::kReferral:
      referrals_.Add(absl::StrCat(r.referral().child_id(), "|", DateKey(r.referral().referral_date())), ret,
                     r.referral());
      break;
    case v1::Record::kAssessment:
      assessments_.Add(absl::StrCat(r.assessment().child_id(), "|", DateKey(r.assessment().start_date()), "|",
                                    DateKey(r.assessment().authorisation_date())),
                       ret, r.assessment());
      break;
    case v1::Record::kSection47:
      section47s_.Add(absl::StrCat(r.section47().child_id(), "|", DateKey(r.section47().start_date())), ret,
                      r.section47());
      break;
    case v1::Record::kCpPlan:
      cp_plans_.Add(absl::StrCat(r.cp_plan().child_id(), "|", DateKey(r.cp_plan().start_date())), ret, r.cp_plan());
      break;
    case v1::Record::kCinPlan:
      cin_plans_.Add(absl::StrCat(r.cin_plan().child_id(), "|", DateKey(r.cin_plan().start_date())), ret,
                     r.cin_plan());
      break;
    case v1::Record::kCareEpisode:
      care_episodes_.Add(absl::StrCat(r.care_episode().child_id(), "|", DateKey(r.care_episode().start_date())), ret,
                         r.care_episode());
      break;
    case v1::Record::kAdoption:
      adoptions_.Add(absl::StrCat(r.adoption().child_id(), "|", r.adoption().source_table(), "|",
                                  DateKey(r.adoption().decision_date())),
                     ret, r.adoption());
      break;
    case v1::Record::kCareLeaver:
      care_leavers_[ReturnYear(ret)].Add(r.care_leaver().child_id(), ret, r.care_leaver());
      break;
    case v1::Record::kLocalMeasure:
      local_measures_.push_back(r.local_measure());
      break;
    case v1::Record::kChild: {
      const v1::Child& c = r.child();
      // SSDA903 describes looked-after children best; then the census; then the rest.
      const std::string ds = ReturnDataset(ret);
      const int rank = ds.rfind("ssda903", 0) == 0 ? 3 : ds == "cin-census" ? 2 : 1;
      int& held = child_info_rank_[c.child_id()];
      if (rank < held) break;
      held = rank;
      ChildInfo& info = children_[c.child_id()];
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
  contacts_.Finalize();
  referrals_.Finalize();
  assessments_.Finalize();
  section47s_.Finalize();
  cp_plans_.Finalize();
  cin_plans_.Finalize();
  care_episodes_.Finalize();
  adoptions_.Finalize();
  for (auto& [fy, d] : care_leavers_) d.Finalize();
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
  return it == children_.end() ? nullptr : &it->second;
}

}  // namespace carestat
