// A national year (WriteSynthNational): many LAs built by the borough's own steps.
// 
#include "synth/synth.h"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <system_error>
#include <thread>

#include "synth/las.h"
#include "synth/model.h"

namespace carestat {
namespace synth {

// ---------------------------------------------------------------------------------------
// A national year: one LA of many, built by the borough's own steps (children, periods
// of care with their episode chains, plans, host CIN episodes, the front door) at the
// LA's volumes, without the borough's calibration to published figures. The simulation
// starts two years before the first year written, with the caseload open on that day
// (CIN cases, children looked after, plans), so the years written have the cases that
// run across their 1 April.

int Borough::Count(double expected) {
  if (expected <= 0) return 0;
  const double whole = std::floor(expected);
  return static_cast<int>(whole) + (rng_.Below(1000000) < static_cast<uint64_t>((expected - whole) * 1e6) ? 1 : 0);
}

absl::Status Borough::BuildNational(const NationalVolumes& v) {
  const int32_t start = Fys(v.first_fy);
  // Looked after: adoptions and decisions, care leavers, the children in care on the
  // first day, then each year's entrants (some on police protection).
  for (int fy = v.first_fy; fy <= kLastFy; ++fy) {
    for (int n = Count(v.lac * 0.065); n > 0; --n) MakeAdoption(fy, rng_.Between(240, 1100));
    for (int n = Count(v.lac * 0.035); n > 0; --n) MakeDecisionOnly(fy);
  }
  for (int birth_fy = v.first_out_fy - 21; birth_fy <= kLastFy - 17; ++birth_fy) {
    for (int n = Count(v.lac * 0.10); n > 0; --n) MakeLeaver(birth_fy, v.first_out_fy);
  }
  for (int n = Count(v.lac * 1.05); n > 0; --n) MakeLegacyFiller(start);
  for (int fy = v.first_fy; fy <= kLastFy; ++fy) {
    const int32_t fys = Fys(fy), fye = Fye(fy);
    std::vector<int32_t> fresh;
    for (int n = Count(v.lac * 0.48); n > 0; --n) fresh.push_back(NewFiller(fy));
    std::stable_sort(fresh.begin(), fresh.end(), [&](int32_t a, int32_t b) {
      return periods_[a].end - periods_[a].start < periods_[b].end - periods_[b].start;
    });
    for (size_t k = 0; k < fresh.size() * 13 / 100; ++k) {
      Period& p = periods_[fresh[k]];
      p.pp = true;
      p.ls = "L1";
      p.placement = EmergencyPlacement();
      if (p.end - p.start <= 30) p.end = std::min(p.start + rng_.Between(1, 3), p.deadline);
    }
    for (const Period& p : periods_) {
      if (p.kind == Kind::kFiller && p.end >= fys && p.end <= fye &&
          children_[p.child].periods.back() == static_cast<int32_t>(&p - periods_.data())) {
        left_care_.push_back(p.child);
      }
    }
  }
  for (Period& p : periods_) MakeChanges(p);
  SettleSgoEnds();
  if (status_.ok()) NationalProtection(v);
  if (status_.ok()) BuildHosts();
  if (!status_.ok()) return status_;
  // The front door: story referrals' contacts, the open caseload, then each year.
  const std::map<int, int> story = StoryContacts(start);
  if (!status_.ok()) return status_;
  // England's cases close sooner than the borough's: fewer long plans.
  referral_kinds_ = {140, 430, 360, 70};
  for (int n = Count(v.referrals * 0.20); n > 0; --n) AddLegacyCase(start);
  for (int fy = v.first_fy; fy <= kLastFy; ++fy) {
    auto it = story.find(fy);
    const int referrals = Count(v.referrals);
    const int generic = std::max(0, referrals - (it == story.end() ? 0 : it->second));
    RunYear(fy, generic, Count(v.referrals * (v.contacts_per_referral - 1)));
  }
  return status_;
}

// Child protection plans: those open on the first day, then each year's.
void Borough::NationalProtection(const NationalVolumes& v) {
  AddOpenPlans(Count(v.cpp * 0.95), Fys(v.first_fy));
  std::vector<int32_t> ended;  // children whose last plan ended in an earlier year
  for (int fy = v.first_fy; fy <= kLastFy; ++fy) {
    StartPlans(fy, Count(v.cpp * 1.15), ended);
    NoteEndedPlans(fy, &ended);
  }
}

int64_t Borough::ContactsIn(int fy) const {
  int64_t n = 0;
  for (const Contact& c : contacts_) n += FinancialYearOf(c.day) == fy;
  return n;
}
int64_t Borough::ReferralsIn(int fy) const {
  int64_t n = 0;
  for (const Episode& e : episodes_) n += FinancialYearOf(e.referral) == fy;
  return n;
}
int64_t Borough::CinOpenOn(int32_t day) const {
  int64_t n = 0;
  for (const Episode& e : episodes_) n += e.referral <= day && e.closure > day;
  return n;
}
int64_t Borough::CppOpenOn(int32_t day) const {
  std::set<int32_t> children;
  for (const Plan& p : plans_) {
    if (p.start <= day && p.end > day) children.insert(p.child);
  }
  return static_cast<int64_t>(children.size());
}
int64_t Borough::LookedAfterCount(int32_t day) const {
  std::set<int32_t> children;
  for (const Period& p : periods_) {
    if (!p.ShortBreak() && p.OpenAt(day)) children.insert(p.child);
  }
  return static_cast<int64_t>(children.size());
}


namespace {

// A factor between 0.6 and 1.5 fixed by an LA's code (and `salt`): how far the LA's
// need stands from England's for its child population, so an LA keeps its character
// whatever the seed.
double CodeFactor(const char* code, uint64_t salt) {
  const uint64_t h = Mix64(Mix64(std::strtoull(code, nullptr, 10) + 0x51ed270b27a3ULL) ^ Mix64(salt));
  return 0.6 + 0.9 * static_cast<double>(h >> 11) / 9007199254740992.0;
}
double ReferralNeed(const SynthLa& la) { return CodeFactor(la.code, 1); }

// `text` with every date in it (YYYY-MM-DD, as the CIN census writes them, and
// dd/mm/yyyy, as the SSDA903 and Annex A do) `years` later: a file simulated for one year
// relabelled as one of a later year. `years` is a multiple of four, so 29 February
// stays a day. A date is digits in one of those shapes with no digit either side.
std::string ShiftDates(std::string text, int years) {
  auto digits = [&](size_t at, size_t n) {
    for (size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
    }
    return true;
  };
  auto digit_at = [&](size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
  for (size_t i = 0; i + 10 <= text.size(); ++i) {
    if ((i > 0 && digit_at(i - 1)) || digit_at(i + 10)) continue;
    size_t year_at;
    if (digits(i, 4) && text[i + 4] == '-' && digits(i + 5, 2) && text[i + 7] == '-' && digits(i + 8, 2)) {
      year_at = i;
    } else if (digits(i, 2) && text[i + 2] == '/' && digits(i + 3, 2) && text[i + 5] == '/' && digits(i + 6, 4)) {
      year_at = i + 6;
    } else {
      continue;
    }
    const int year = std::stoi(text.substr(year_at, 4)) + years;
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04d", year);
    text.replace(year_at, 4, buf, 4);
    i += 9;
  }
  return text;
}
// Children in care follow need too, less than closely.
double CareNeed(const SynthLa& la) { return ReferralNeed(la) * (0.75 + 0.5 * (CodeFactor(la.code, 2) - 0.6) / 0.9); }

// England, one year (2015-16 in round figures): referrals, children looked after and on
// a plan at 31 March. Children in need at 31 March (about 400,000) follow from the
// referrals and how long their cases stay open.
constexpr double kEnglandReferrals = 650000, kEnglandLookedAfter = 80000, kEnglandOnPlan = 50000;

}  // namespace

}  // namespace synth

absl::StatusOr<NationalSummary> WriteSynthNational(const NationalOptions& options) {
  using namespace synth;  // the model and the profile
  const std::vector<SynthLa>& all = SynthLas();
  if (options.out_dir.empty()) {
    return absl::InvalidArgumentError("synth: out_dir is empty; name the inbox to write into");
  }
  if (options.las < 1 || options.las > static_cast<int>(all.size())) {
    return absl::InvalidArgumentError(
        absl::StrCat("synth: --las ", options.las, " is not between 1 and ", all.size(), " (England's LAs)"));
  }
  if (!(options.scale > 0 && options.scale <= 4)) {
    return absl::InvalidArgumentError(absl::StrCat("synth: scale ", options.scale, " is not in (0, 4]"));
  }
  std::vector<int> out_years = options.years;
  if (out_years.empty()) out_years = {kLastFy + 1};
  std::sort(out_years.begin(), out_years.end());
  out_years.erase(std::unique(out_years.begin(), out_years.end()), out_years.end());
  // The years simulated: the ones asked for, or twelve years before them (see kRelabelYears).
  const int shift = out_years.front() > kLastFy + 1 ? kRelabelYears : 0;
  std::vector<int> years;
  for (int cy : out_years) {
    if (cy - shift < kFirstFy + 1 || cy - shift > kLastFy + 1 || cy > kLastRelabelledCy) {
      return absl::InvalidArgumentError(absl::StrCat(
          "synth: collection year ", cy, " is not between ", kFirstFy + 1, " and ", kLastFy + 1, ", nor between ",
          kFirstFy + 1 + kRelabelYears, " and ", kLastRelabelledCy, " (all the years asked for in one of the two)"));
    }
    years.push_back(cy - shift);
  }
  double referral_weight = 0, care_weight = 0;
  for (const SynthLa& la : all) {
    referral_weight += la.children * ReferralNeed(la);
    care_weight += la.children * CareNeed(la);
  }
  std::vector<size_t> chosen;  // spread over the code order: London, the metropolitan areas, the shires
  for (size_t i = 0; i < static_cast<size_t>(options.las); ++i) chosen.push_back(i * all.size() / options.las);

  std::vector<NationalLa> results(chosen.size());
  std::vector<absl::Status> statuses(chosen.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t k = next.fetch_add(1); k < chosen.size(); k = next.fetch_add(1)) {
      const SynthLa& la = all[chosen[k]];
      NationalVolumes v;
      v.first_out_fy = years.front() - 1;
      v.first_fy = std::max(kFirstFy, v.first_out_fy - 2);
      v.referrals = kEnglandReferrals * la.children * ReferralNeed(la) / referral_weight * options.scale;
      v.cpp = kEnglandOnPlan * la.children * ReferralNeed(la) / referral_weight * options.scale;
      v.lac = kEnglandLookedAfter * la.children * CareNeed(la) / care_weight * options.scale;
      // Each LA's own stream: the seed and the code, never the order LAs are built in.
      Borough b(Mix64(options.seed ^ Mix64(std::strtoull(la.code, nullptr, 10) * 0x9e3779b97f4a7c15ULL)));
      b.set_la(la.code);
      b.set_year_shift(shift);
      if (statuses[k] = b.BuildNational(v); !statuses[k].ok()) continue;
      NationalLa& r = results[k];
      r.la = la.code;
      r.name = la.name;
      for (int cy : years) {
        const int fy = cy - 1;
        const std::filesystem::path dir =
            std::filesystem::path(options.out_dir) / la.code / std::to_string(cy + shift);
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (ec) {
          statuses[k] = absl::Status(absl::ErrnoToStatusCode(ec.value()), absl::StrCat("synth: cannot create directory ",
                                                                                        dir.string(), ": ", ec.message()));
          break;
        }
        std::vector<std::pair<std::string, std::string>> files = {
            {kContactsFile, b.ContactsCsv(fy)},       {kCensusFile, b.CensusXml(fy)},
            {"header.csv", b.HeaderCsv(fy)},          {"episodes.csv", b.EpisodesCsv(fy)},
            {"oc3.csv", b.Oc3Csv(fy)},                {"ad1.csv", b.Ad1Csv(fy)},
            {"placed_adoption.csv", b.PlacedAdoptionCsv(fy)}};
        if (options.annex_a_lists) {
          for (const auto& [list, name] : kAnnexAFiles) files.push_back({name, b.AnnexAList(list, fy)});
        }
        for (auto& [name, content] : files) {
          if (shift != 0) content = ShiftDates(content, shift);
          if (statuses[k] = WriteFile((dir / name).string(), content); !statuses[k].ok()) break;
          ++r.files;
          r.bytes += static_cast<int64_t>(content.size());
        }
        if (!statuses[k].ok()) break;
        r.contacts += b.ContactsIn(fy);
        r.referrals += b.ReferralsIn(fy);
      }
      const int32_t last = Fye(years.back() - 1);
      r.cin_year_end = b.CinOpenOn(last);
      r.lac_year_end = b.LookedAfterCount(last);
      r.cpp_year_end = b.CppOpenOn(last);
    }
  };
  const int threads = std::clamp(options.threads, 1, 64);
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();

  NationalSummary summary;
  for (size_t k = 0; k < chosen.size(); ++k) {
    if (!statuses[k].ok()) return statuses[k];
    const NationalLa& r = results[k];
    summary.files += r.files;
    summary.bytes += r.bytes;
    summary.contacts += r.contacts;
    summary.referrals += r.referrals;
    summary.cin_year_end += r.cin_year_end;
    summary.lac_year_end += r.lac_year_end;
    summary.cpp_year_end += r.cpp_year_end;
    summary.las.push_back(r);
  }
  return summary;
}

}  // namespace carestat
