#include "services/common/telemetry.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/log.h"

namespace carestat {

Telemetry& Telemetry::Get() {
  static Telemetry* t = new Telemetry();   // never destroyed: counted in until exit
  return *t;
}

const std::vector<double>& Telemetry::DurationBuckets() {
  static const std::vector<double> b = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                        1,     2.5,    5,     10,   30,    60,   120, 300};
  return b;
}

namespace {

// Shortest text that reads back as the same double; the format's spellings of infinity.
std::string Number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// HELP text escapes backslash and newline; label values also the double quote.
std::string Escape(const std::string& s, bool quote) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '"' && quote) out += "\\\"";
    else out.push_back(c);
  }
  return out;
}

// With `extra` (a histogram's le) appended as the last label.
std::string WithLabel(const std::string& rendered, const std::string& name, const std::string& value) {
  const std::string pair = absl::StrCat(name, "=\"", value, "\"");
  if (rendered.empty()) return absl::StrCat("{", pair, "}");
  return absl::StrCat(rendered.substr(0, rendered.size() - 1), ",", pair, "}");
}

}  // namespace

std::string RenderLabels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    absl::StrAppend(&out, i ? "," : "", labels[i].first, "=\"", Escape(labels[i].second, true), "\"");
  }
  return out + "}";
}

void Telemetry::Describe(const std::string& name, Type type, const std::string& help, std::vector<double> buckets) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = families_[name];
  f.type = type;
  f.help = help;
  if (type == kHistogram) f.bounds = buckets.empty() ? DurationBuckets() : std::move(buckets);
}

Telemetry::Family& Telemetry::FamilyLocked(const std::string& name, Type type) {
  auto it = families_.find(name);
  if (it != families_.end()) return it->second;
  Family& f = families_[name];
  f.type = type;
  if (type == kHistogram) f.bounds = DurationBuckets();
  return f;
}

void Telemetry::Add(const std::string& name, const Labels& labels, double v) {
  std::lock_guard<std::mutex> lock(mu_);
  FamilyLocked(name, kCounter).series[RenderLabels(labels)].value += v;
}

void Telemetry::Set(const std::string& name, const Labels& labels, double v) {
  std::lock_guard<std::mutex> lock(mu_);
  FamilyLocked(name, kGauge).series[RenderLabels(labels)].value = v;
}

void Telemetry::Observe(const std::string& name, const Labels& labels, double v) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = FamilyLocked(name, kHistogram);
  Series& s = f.series[RenderLabels(labels)];
  if (s.buckets.size() != f.bounds.size()) s.buckets.assign(f.bounds.size(), 0);
  auto at = std::lower_bound(f.bounds.begin(), f.bounds.end(), v);   // le: v <= bound
  if (at != f.bounds.end()) ++s.buckets[at - f.bounds.begin()];
  s.value += v;
  ++s.count;
}

void Telemetry::AddCollector(std::function<void(Telemetry&)> collect) {
  std::lock_guard<std::mutex> lock(collectors_mu_);
  collectors_.push_back(std::move(collect));
}

double Telemetry::Value(const std::string& name, const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  auto f = families_.find(name);
  if (f == families_.end()) return 0;
  auto s = f->second.series.find(RenderLabels(labels));
  return s == f->second.series.end() ? 0 : (f->second.type == kHistogram ? s->second.count : s->second.value);
}

std::string Telemetry::Render() {
  {
    std::lock_guard<std::mutex> lock(collectors_mu_);
    for (const auto& c : collectors_) c(*this);
  }
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    const char* type = f.type == kCounter ? "counter" : f.type == kGauge ? "gauge" : "histogram";
    if (!f.help.empty()) absl::StrAppend(&out, "# HELP ", name, " ", Escape(f.help, false), "\n");
    absl::StrAppend(&out, "# TYPE ", name, " ", type, "\n");
    for (const auto& [labels, s] : f.series) {
      if (f.type != kHistogram) {
        absl::StrAppend(&out, name, labels, " ", Number(s.value), "\n");
        continue;
      }
      uint64_t cumulative = 0;
      for (size_t i = 0; i < f.bounds.size(); ++i) {
        cumulative += i < s.buckets.size() ? s.buckets[i] : 0;
        absl::StrAppend(&out, name, "_bucket", WithLabel(labels, "le", Number(f.bounds[i])), " ", cumulative, "\n");
      }
      absl::StrAppend(&out, name, "_bucket", WithLabel(labels, "le", "+Inf"), " ", s.count, "\n");
      absl::StrAppend(&out, name, "_sum", labels, " ", Number(s.value), "\n");
      absl::StrAppend(&out, name, "_count", labels, " ", s.count, "\n");
    }
  }
  return out;
}

struct TelemetryServer::Impl {
  httplib::Server http;
  std::thread thread;
  int port = 0;
};

TelemetryServer::TelemetryServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

TelemetryServer::~TelemetryServer() { Stop(); }

int TelemetryServer::port() const { return impl_->port; }

void TelemetryServer::Stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  impl_->http.stop();
  impl_->thread.join();
}

absl::StatusOr<std::unique_ptr<TelemetryServer>> TelemetryServer::Start(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--metrics-listen: '", EscapeForLog(listen, 200), "' is not HOST:PORT (say 127.0.0.1:9464)"));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  auto impl = std::make_unique<Impl>();
  impl->http.Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(Telemetry::Get().Render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  const int bound = port == 0 ? impl->http.bind_to_any_port(host) : (impl->http.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return absl::UnavailableError(
        absl::StrCat("--metrics-listen: cannot listen on ", listen, " (address in use or not valid HOST:PORT)"));
  }
  impl->port = bound;
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->http.listen_after_bind(); });
  return std::unique_ptr<TelemetryServer>(new TelemetryServer(std::move(impl)));
}

}  // namespace carestat
