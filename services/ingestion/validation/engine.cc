#include "services/ingestion/validation/engine.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/dates.h"
#include "services/ingestion/validation/reference_data.h"

namespace carestat::validation {

Engine::Engine(Context ctx, std::set<std::string> only) : ctx_(std::move(ctx)) {
  for (const RuleDef* d : EngineRulesFor(ctx_.dataset, ctx_.year)) {
    if (!only.empty() && !only.count(std::string(d->info.code))) continue;
    if (!CanRun(*d, ctx_.reference)) continue;  // its reference data is not loaded
    if (d->child) {
      child_rules_.push_back(d);
    } else if (d->make_return) {
      return_rules_.emplace_back(d, d->make_return());
    }
  }
}

std::string SafeDetail(const Row& row, const std::string& field, std::string detail) {
  if (detail.empty() || !IsIdentifyingField(field)) return detail;
  for (const Item* item : row.All(field)) {
    if (Blank(item->value)) continue;
    std::vector<std::string> shown = {item->value};
    if (auto d = ParseDay(item->value)) {
      shown.push_back(FormatIsoDate(*d));
      shown.push_back(FormatUkDate(*d));
    }
    for (const std::string& v : shown) {
      if (detail.find(v) != std::string::npos) return "(value not shown)";
    }
  }
  return detail;
}

void Engine::Collect(const RuleDef* rule, const ChildData* child, Hits& hits, std::vector<Finding>* out) {
  std::set<std::pair<const Row*, std::string>> seen;
  for (Hit& h : hits.all()) {
    if (h.row && !seen.emplace(h.row, h.field).second) continue;
    Finding f;
    f.rule = rule;
    f.row = h.row;
    f.child = child ? child->id : "";
    f.field = std::move(h.field);
    f.detail = h.row ? SafeDetail(*h.row, f.field, std::move(h.detail)) : std::move(h.detail);
    if (h.row) {
      f.line = f.field.empty() ? h.row->line : h.row->LineOf(f.field);
      f.file = std::string(h.row->file);
    } else {
      f.file = ctx_.file;
    }
    out->push_back(std::move(f));
  }
  hits.all().clear();
}

void Engine::Child(const ChildData& child, std::vector<Finding>* out) {
  Hits hits;
  for (const RuleDef* d : child_rules_) {
    d->child(ctx_, child, hits);
    Collect(d, &child, hits, out);
  }
  for (auto& [d, r] : return_rules_) {
    r->OnChild(ctx_, child, hits);
    Collect(d, &child, hits, out);
  }
}

void Engine::Finish(std::vector<Finding>* out) {
  Hits hits;
  for (auto& [d, r] : return_rules_) {
    r->Finish(ctx_, hits);
    Collect(d, nullptr, hits, out);
  }
}

v1::Severity SeverityOf(const RuleDef& rule) {
  return rule.info.severity == RuleSeverity::kQuery ? v1::QUERY : v1::ERROR;
}

v1::ValidationIssue IssueOf(const Finding& f) {
  std::string where = f.file;
  if (f.line > 0) absl::StrAppend(&where, " line ", f.line);
  std::string message = absl::StrCat(where, where.empty() ? "" : ": ", std::string(f.rule->info.message));
  if (!f.detail.empty()) absl::StrAppend(&message, ": ", f.detail);
  if (!f.field.empty()) absl::StrAppend(&message, " (", f.field, ")");
  return MakeIssue(std::string(f.rule->info.code), SeverityOf(*f.rule), std::move(message), f.file, f.line,
                   f.field, f.child, f.row ? std::string(f.row->table) : "");
}

void FlagRecord(const Finding& f) {
  if (!f.row || !f.row->record) return;
  auto* rec = static_cast<v1::Record*>(f.row->record);
  const std::string code(f.rule->info.code);
  if (std::find(rec->issue_rules().begin(), rec->issue_rules().end(), code) == rec->issue_rules().end()) {
    rec->add_issue_rules(code);
  }
}

namespace {

size_t RowBytes(const Row& row) {
  size_t n = sizeof(Row) + 64;  // the row, its place in a deque and in its child's list
  for (const Item& i : row.items) n += sizeof(Item) + (i.value.size() > 15 ? i.value.size() + 1 : 0);
  return n;
}

uint64_t ChildHash(std::string_view id) { return std::hash<std::string_view>{}(id); }

constexpr size_t kBuckets = 32;

// A spilled row: child, table, line, file index, then (name, value, line) per item.
void PutString(FILE* f, std::string_view s) {
  const uint32_t n = static_cast<uint32_t>(s.size());
  std::fwrite(&n, sizeof n, 1, f);
  std::fwrite(s.data(), 1, s.size(), f);
}
void PutInt(FILE* f, int64_t v) { std::fwrite(&v, sizeof v, 1, f); }
bool GetString(FILE* f, std::string* s) {
  uint32_t n = 0;
  if (std::fread(&n, sizeof n, 1, f) != 1) return false;
  s->resize(n);
  return n == 0 || std::fread(s->data(), 1, n, f) == n;
}
bool GetInt(FILE* f, int64_t* v) { return std::fread(v, sizeof *v, 1, f) == 1; }

}  // namespace

Row& RowCollector::NewRow(std::string_view table, int64_t line, const std::string& file, const std::string& child) {
  // The row before this one is complete now: count it, and spill when past the threshold.
  if (!rows_.empty()) held_bytes_ += RowBytes(rows_.back());
  if (held_bytes_ > spill_threshold_ && !stream_sink_) Spill();
  Row& row = rows_.emplace_back();
  const std::string name = absl::StrCat(std::string(table), suffix_);
  row.table = Intern(name);
  row.line = line;
  // One copy of the file name per file, not per row.
  if (files_.empty() || files_.back() != file) files_.push_back(file);
  row.file = files_.back();
  tables_.insert(name);
  auto [it, added] = by_child_.try_emplace(child);
  if (added) {
    order_.push_back(child);
    seen_.insert(ChildHash(child));
  }
  it->second.push_back(&row);
  return row;
}

void RowCollector::Spill() {
  if (buckets_.empty()) {
    for (size_t i = 0; i < kBuckets; ++i) buckets_.emplace_back(std::tmpfile(), &std::fclose);
  }
  for (const std::string& id : order_) {
    FILE* f = buckets_[ChildHash(id) % kBuckets].get();
    if (!f) continue;  // checked in Run
    for (const Row* r : by_child_[id]) {
      PutString(f, id);
      PutString(f, r->table);
      PutInt(f, r->line);
      // The file's index among files_ (kept whole: a handful of names).
      int64_t file_index = 0;
      for (size_t i = 0; i < files_.size(); ++i) {
        if (files_[i].data() == r->file.data()) file_index = static_cast<int64_t>(i);
      }
      PutInt(f, file_index);
      PutInt(f, static_cast<int64_t>(r->items.size()));
      for (const Item& item : r->items) {
        PutString(f, item.name);
        PutString(f, item.value);
        PutInt(f, item.line);
      }
    }
  }
  rows_.clear();
  by_child_.clear();
  order_.clear();
  held_bytes_ = 0;
}

int64_t RowCollector::CheckHeld(Engine& engine, ParseSink& sink) {
  int64_t n = 0;
  std::vector<Finding> findings;
  for (const std::string& id : order_) {
    ChildData child;
    child.id = id;
    for (const Row* r : by_child_[id]) child.tables[std::string(r->table)].push_back(r);
    engine.Child(child, &findings);
    for (const Finding& f : findings) sink.OnIssue(IssueOf(f), false);
    n += static_cast<int64_t>(findings.size());
    findings.clear();
  }
  return n;
}

Context RowCollector::MakeContext(int year, const std::string& la) const {
  Context ctx;
  ctx.dataset = "ssda903";
  ctx.year = year ? year : year_;
  if (ctx.year) {
    ctx.period_start = FinancialYearStart(ctx.year - 1);
    ctx.period_end = FinancialYearEnd(ctx.year - 1);
  }
  ctx.la = la;
  ctx.reference = reference_;
  ctx.tables = tables_;
  std::set<std::string> files(files_.begin(), files_.end());
  for (const std::string& f : files) absl::StrAppend(&ctx.file, ctx.file.empty() ? "" : ", ", f);
  return ctx;
}

void RowCollector::Stream(ParseSink* sink, int year, const std::string& la) {
  stream_sink_ = sink;
  stream_year_ = year;
  stream_la_ = la;
  for (std::string_view t : {"Header", "Episodes", "Reviews", "UASC", "OC2", "OC3", "AD1", "PlacedAdoption",
                             "PrevPerm", "Missing", "SWEpisodes", "DoLo"}) {
    tables_.insert(std::string(t));
  }
}

void RowCollector::EndOfChild() {
  if (!stream_sink_) return;
  // The engine starts with the first child: by then the parser knows the year (the XML
  // is read once first for its latest DECOM when the year is not given).
  if (!stream_engine_) stream_engine_ = std::make_unique<Engine>(MakeContext(stream_year_, stream_la_));
  std::vector<Finding> findings;
  for (const std::string& id : order_) {
    ChildData child;
    child.id = id;
    for (const Row* r : by_child_[id]) child.tables[std::string(r->table)].push_back(r);
    stream_engine_->Child(child, &findings);
  }
  for (const Finding& f : findings) stream_sink_->OnIssue(IssueOf(f), false);
  rows_.clear();
  by_child_.clear();
  order_.clear();
}

void RowCollector::EndStream() {
  if (!stream_sink_) return;
  EndOfChild();
  if (!stream_engine_) stream_engine_ = std::make_unique<Engine>(MakeContext(stream_year_, stream_la_));
  std::vector<Finding> findings;
  stream_engine_->Finish(&findings);
  for (const Finding& f : findings) stream_sink_->OnIssue(IssueOf(f), false);
}

int64_t RowCollector::Run(ParseSink& sink, int year, const std::string& la, const std::set<std::string>& only) {
  Engine engine(MakeContext(year, la), only);
  int64_t n = 0;
  if (buckets_.empty()) {
    n += CheckHeld(engine, sink);
  } else {
    // Spilled: every row goes to its child's bucket, then the buckets are checked one at a
    // time (a child's rows are all in one bucket, in the order they were read).
    Spill();
    for (auto& bucket : buckets_) {
      FILE* f = bucket.get();
      // A bucket that could not be made or written whole (a full disk) would lose rows:
      // the return is refused, saying why, rather than checked in part.
      if (!f || std::fflush(f) != 0 || std::ferror(f) || std::fseek(f, 0, SEEK_SET) != 0) {
        sink.OnIssue(MakeIssue("format", v1::ERROR,
                               "the rows of this return could not be written to a temporary file to check them "
                               "together; DfE's rules were not all run (is the temporary folder full?)",
                               "", 0, "", "", ""),
                     true);
        return n;
      }
      std::string id, table, name, value;
      int64_t line = 0, file_index = 0, items = 0, item_line = 0;
      while (GetString(f, &id) && GetString(f, &table) && GetInt(f, &line) && GetInt(f, &file_index) &&
             GetInt(f, &items)) {
        Row& row = rows_.emplace_back();
        row.table = Intern(table);
        row.line = line;
        if (file_index >= 0 && static_cast<size_t>(file_index) < files_.size()) row.file = files_[file_index];
        row.items.reserve(static_cast<size_t>(items));
        for (int64_t i = 0; i < items && GetString(f, &name) && GetString(f, &value) && GetInt(f, &item_line); ++i) {
          row.Set(name, value, item_line);
        }
        auto [it, added] = by_child_.try_emplace(id);
        if (added) order_.push_back(id);
        it->second.push_back(&row);
      }
      n += CheckHeld(engine, sink);
      rows_.clear();
      by_child_.clear();
      order_.clear();
      bucket.reset();
    }
    buckets_.clear();
  }
  std::vector<Finding> findings;
  engine.Finish(&findings);
  for (const Finding& f : findings) sink.OnIssue(IssueOf(f), false);
  n += static_cast<int64_t>(findings.size());
  return n;
}

}  // namespace carestat::validation
