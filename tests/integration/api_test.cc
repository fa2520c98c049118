// Reporting's HTTPS listener (--http-listen): the JSON API against its OpenAPI document
// and against the gRPC answers to the same questions, CSV, tokens and roles, parameters,
// and the audit log. The three servers run as processes with TLS and tokens on the
// synthetic borough's data (carestat run), as production runs them.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <httplib.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "carestat/v1/ingestion.pb.h"
#include "carestat/v1/metrics.grpc.pb.h"
#include "carestat/v1/reporting.grpc.pb.h"
#include "pipeline/embedded.h"
#include "services/common/csv.h"
#include "services/common/dates.h"
#include "services/common/security.h"
#include "services/common/server.h"
#include "services/reporting/web/web.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Value;

struct Token {
  std::string token, line;
};

Token MakeToken(const std::string& principal, const std::string& roles) {
  CommandResult r = RunCommand({CarestatBin(), "token", "--principal", principal, "--roles", roles});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  Token t;
  for (absl::string_view l : absl::StrSplit(r.out, '\n')) {
    if (absl::StartsWith(l, "cst_")) t.token = std::string(l);
    if (l.size() > 65 && l[64] == ' ') t.line = std::string(l);
  }
  return t;
}

// The same answer from two routes (gRPC and the JSON API): equal but for the time a
// figure computed on request carries (a neighbours' average, a listing's point).
void ExpectSameAnswer(const google::protobuf::Message& want, const google::protobuf::Message& got) {
  google::protobuf::util::MessageDifferencer d;
  d.IgnoreField(v1::IndicatorPoint::descriptor()->FindFieldByName("computed_unix_ms"));
  std::string diff;
  d.ReportDifferencesToString(&diff);
  EXPECT_TRUE(d.Compare(want, got)) << diff;
}

Value ParseJson(const std::string& text) {
  Value v;
  auto s = google::protobuf::util::JsonStringToMessage(text, &v);
  EXPECT_TRUE(s.ok()) << s.message() << "\n" << text.substr(0, 500);
  return v;
}

const Value* Field(const Value& v, const std::string& name) {
  if (v.kind_case() != Value::kStructValue) return nullptr;
  auto it = v.struct_value().fields().find(name);
  return it == v.struct_value().fields().end() ? nullptr : &it->second;
}

// ---- the OpenAPI schema check: type, required, properties, items, enum, $ref ----

const Value& Resolve(const Value& doc, const Value& schema) {
  const Value* ref = Field(schema, "$ref");
  if (!ref) return schema;
  const Value* v = &doc;
  for (absl::string_view part : absl::StrSplit(ref->string_value().substr(2), '/')) {
    v = Field(*v, std::string(part));
    if (!v) {
      static const Value kMissing;
      ADD_FAILURE() << "dangling $ref " << ref->string_value();
      return kMissing;
    }
  }
  return Resolve(doc, *v);
}

void Check(const Value& doc, const Value& schema_in, const Value& v, const std::string& where,
           std::vector<std::string>* errors) {
  const Value& schema = Resolve(doc, schema_in);
  const Value* type = Field(schema, "type");
  if (!type) return;
  const std::string t = type->string_value();
  auto fail = [&](const std::string& what) { errors->push_back(where + ": " + what); };
  if (t == "object") {
    if (v.kind_case() != Value::kStructValue) return fail("not an object");
    if (const Value* req = Field(schema, "required")) {
      for (const auto& r : req->list_value().values()) {
        if (!v.struct_value().fields().count(r.string_value())) fail("required property '" + r.string_value() + "' missing");
      }
    }
    const Value* props = Field(schema, "properties");
    const Value* extra = Field(schema, "additionalProperties");
    for (const auto& [name, value] : v.struct_value().fields()) {
      const Value* p = props ? Field(*props, name) : nullptr;
      if (p) Check(doc, *p, value, where + "." + name, errors);
      else if (extra && extra->kind_case() == Value::kStructValue) Check(doc, *extra, value, where + "." + name, errors);
      else if (extra && extra->kind_case() == Value::kBoolValue && !extra->bool_value()) {
        fail("property '" + name + "' is not in the document");
      }
    }
  } else if (t == "array") {
    if (v.kind_case() != Value::kListValue) return fail("not an array");
    const Value* items = Field(schema, "items");
    int i = 0;
    for (const auto& item : v.list_value().values()) {
      if (items) Check(doc, *items, item, absl::StrCat(where, "[", i, "]"), errors);
      ++i;
    }
  } else if (t == "string") {
    if (v.kind_case() != Value::kStringValue) return fail("not a string");
    if (const Value* e = Field(schema, "enum")) {
      bool found = false;
      for (const auto& x : e->list_value().values()) found = found || x.string_value() == v.string_value();
      if (!found) fail("'" + v.string_value() + "' is not in the enum");
    }
  } else if (t == "integer") {
    if (v.kind_case() != Value::kNumberValue || v.number_value() != static_cast<double>(static_cast<int64_t>(v.number_value())))
      fail("not an integer");
  } else if (t == "number") {
    if (v.kind_case() != Value::kNumberValue) fail("not a number");
  } else if (t == "boolean") {
    if (v.kind_case() != Value::kBoolValue) fail("not a boolean");
  }
}

// ---- the component schemas as protobuf's JSON mapping prints each message ----

Value Str(const std::string& s) {
  Value v;
  v.set_string_value(s);
  return v;
}

Value Obj(std::initializer_list<std::pair<std::string, Value>> fields) {
  Value v;
  auto* m = v.mutable_struct_value()->mutable_fields();
  for (const auto& [k, x] : fields) (*m)[k] = x;
  return v;
}

Value ScalarSchema(const FieldDescriptor* f) {
  switch (f->type()) {
    case FieldDescriptor::TYPE_STRING: return Obj({{"type", Str("string")}});
    case FieldDescriptor::TYPE_BYTES: return Obj({{"type", Str("string")}, {"format", Str("byte")}});
    case FieldDescriptor::TYPE_BOOL: return Obj({{"type", Str("boolean")}});
    case FieldDescriptor::TYPE_DOUBLE:
    case FieldDescriptor::TYPE_FLOAT: return Obj({{"type", Str("number")}});
    case FieldDescriptor::TYPE_INT64:
    case FieldDescriptor::TYPE_UINT64:
    case FieldDescriptor::TYPE_SINT64:
    case FieldDescriptor::TYPE_FIXED64:
    case FieldDescriptor::TYPE_SFIXED64:
      // Protobuf's JSON mapping prints 64-bit integers as strings.
      return Obj({{"type", Str("string")}, {"format", Str("int64")}});
    case FieldDescriptor::TYPE_ENUM: {
      Value names;
      for (int i = 0; i < f->enum_type()->value_count(); ++i) {
        *names.mutable_list_value()->add_values() = Str(f->enum_type()->value(i)->name());
      }
      return Obj({{"type", Str("string")}, {"enum", names}});
    }
    case FieldDescriptor::TYPE_MESSAGE:
    case FieldDescriptor::TYPE_GROUP:
      return Obj({{"$ref", Str("#/components/schemas/" + f->message_type()->name())}});
    default: return Obj({{"type", Str("integer")}, {"format", Str("int32")}});
  }
}

Value MessageSchema(const Descriptor* d) {
  Value props, required;
  props.mutable_struct_value();
  required.mutable_list_value();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    Value s;
    if (f->is_map()) {
      s = Obj({{"type", Str("object")}, {"additionalProperties", ScalarSchema(f->message_type()->map_value())}});
    } else if (f->is_repeated()) {
      s = Obj({{"type", Str("array")}, {"items", ScalarSchema(f)}});
    } else {
      s = ScalarSchema(f);
    }
    (*props.mutable_struct_value()->mutable_fields())[f->name()] = s;
    // always_print_primitive_fields: every field without presence is always printed.
    if (!f->has_presence()) *required.mutable_list_value()->add_values() = Str(f->name());
  }
  Value no;
  no.set_bool_value(false);
  Value out = Obj({{"type", Str("object")}, {"properties", props}, {"additionalProperties", no}});
  if (required.list_value().values_size()) (*out.mutable_struct_value()->mutable_fields())["required"] = required;
  return out;
}

void CollectSchemas(const Descriptor* d, std::map<std::string, Value>* out) {
  if (out->count(d->name())) return;
  (*out)[d->name()] = MessageSchema(d);
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->is_map()) continue;   // map values here are scalars
    if (f->message_type()) CollectSchemas(f->message_type(), out);
  }
}

std::map<std::string, Value> ExpectedSchemas() {
  std::map<std::string, Value> out;
  for (const Descriptor* d : {v1::ListIndicatorsResponse::descriptor(), v1::GetSeriesResponse::descriptor(),
                              v1::GetBenchmarkResponse::descriptor(), v1::ListReturnsResponse::descriptor(),
                              v1::AnnualReport::descriptor(), v1::SelfAssessment::descriptor(),
                              v1::ListChildrenResponse::descriptor(), v1::GetCoverageResponse::descriptor(),
                              v1::ForecastResponse::descriptor()}) {
    CollectSchemas(d, &out);
  }
  return out;
}

// ---- the servers ----

struct Response {
  int status = 0;
  std::string body, type, disposition, www_authenticate, cache_control;
};

class ApiTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    // A server that refuses the handshake closes the socket under the client's write.
    ::signal(SIGPIPE, SIG_IGN);
    dir_ = new std::string(MakeTempDir("api"));
    const std::string& dir = *dir_;
    CommandResult synth = RunCommand({CarestatBin(), "synth", "--profile", "barking-and-dagenham", "--out", dir + "/inbox"});
    ASSERT_EQ(synth.exit_code, 0) << synth.err;
    CommandResult run = RunCommand({CarestatBin(), "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out", dir + "/out", "--data",
                                    dir + "/data"});
    ASSERT_LE(run.exit_code, 1) << run.err;
    CommandResult c = RunCommand({CarestatBin(), "certs", "--out", dir + "/certs"});
    ASSERT_EQ(c.exit_code, 0) << c.err;
    tokens_ = new std::map<std::string, Token>{{"read", MakeToken("dashboard", "read")},
                                                {"ingest", MakeToken("uploader", "ingest")},
                                                {"service", MakeToken("metrics", "service")},
                                                {"reporter", MakeToken("reporter", "read")},
                                                // A manager who may see the children behind a figure.
                                                {"case", MakeToken("j.smith", "read,case")},
                                                {"caseonly", MakeToken("k.jones", "case")},
                                                {"revoked", MakeToken("former", "read")}};
    std::string file;
    for (const auto& [name, t] : *tokens_) absl::StrAppend(&file, t.line, name == "revoked" ? " revoked" : "", "\n");
    // The client certificate `carestat certs` made (CN carestat) stands for a read principal.
    file += "cert:carestat analyst read\n";
    WriteAll(dir + "/tokens", file);
    WriteAll(dir + "/metrics.token", (*tokens_)["service"].token + "\n");
    WriteAll(dir + "/reporter.token", (*tokens_)["reporter"].token + "\n");
    for (const char* f : {"/tokens", "/metrics.token", "/reporter.token"}) ::chmod((dir + f).c_str(), 0600);
    const std::vector<std::string> tls = {"--tls-cert", dir + "/certs/server.pem", "--tls-key",
                                          dir + "/certs/server.key", "--tokens", dir + "/tokens"};
    auto with = [&](std::vector<std::string> v) {
      v.insert(v.end(), tls.begin(), tls.end());
      return v;
    };
    ing_ = new ServerProcess(with({ServerBin("ingestion"), "--init", "--listen", "127.0.0.1:0", "--data", dir + "/data/ingestion"}));
    ASSERT_TRUE(ing_->Start());
    met_ = new ServerProcess(with({ServerBin("metrics"), "--init", "--listen", "127.0.0.1:0", "--data", dir + "/data/metrics",
                                   "--ingestion", ing_->address(), "--tls-ca", dir + "/certs/ca.pem", "--token-file",
                                   dir + "/metrics.token", "--audit-log", dir + "/metrics-audit.jsonl"}));
    ASSERT_TRUE(met_->Start());
    rep_ = new ServerProcess(with({ServerBin("reporting"), "--init", "--listen", "127.0.0.1:0", "--metrics", met_->address(),
                                   "--http-listen", "127.0.0.1:0", "--audit-log", dir + "/reporting-audit.jsonl",
                                   "--tls-ca", dir + "/certs/ca.pem", "--token-file", dir + "/reporter.token"}));
    ASSERT_TRUE(rep_->Start());
    const std::string line = rep_->ReadLine();
    // "carestat-reporting HTTP listening on 127.0.0.1:PORT https://127.0.0.1:PORT/"
    ASSERT_TRUE(absl::StartsWith(line, "carestat-reporting HTTP listening on 127.0.0.1:")) << line;
    const std::string rest = line.substr(std::string("carestat-reporting HTTP listening on 127.0.0.1:").size());
    http_port_ = std::stoi(rest.substr(0, rest.find(' ')));
    ASSERT_GT(http_port_, 0);
    EXPECT_EQ(rest.substr(rest.find(' ') + 1), absl::StrCat("https://127.0.0.1:", http_port_, "/"));
    doc_ = new Value(ParseJson(ReadAll(std::string(CARESTAT_SOURCE_DIR) + "/services/reporting/web/openapi.json")));
  }

  static void TearDownTestSuite() {
    for (ServerProcess* p : {rep_, met_, ing_}) {
      if (p) {
        EXPECT_EQ(p->Stop(), 0);
      }
      delete p;
    }
    rep_ = met_ = ing_ = nullptr;
  }

  static Response Get(const std::string& path, const std::string& token, const std::string& accept = "") {
    httplib::SSLClient cli("127.0.0.1", http_port_);
    cli.set_ca_cert_path((*dir_ + "/certs/ca.pem").c_str());
    cli.enable_server_certificate_verification(true);
    cli.set_read_timeout(120, 0);
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    if (!accept.empty()) h.emplace("Accept", accept);
    auto res = cli.Get(path.c_str(), h);
    Response r;
    if (!res) {
      ADD_FAILURE() << "GET " << path << ": " << httplib::to_string(res.error());
      return r;
    }
    r.status = res->status;
    r.body = res->body;
    r.type = res->get_header_value("Content-Type");
    r.disposition = res->get_header_value("Content-Disposition");
    r.www_authenticate = res->get_header_value("WWW-Authenticate");
    r.cache_control = res->get_header_value("Cache-Control");
    return r;
  }
  static Response Read(const std::string& path, const std::string& accept = "") {
    return Get(path, (*tokens_)["read"].token, accept);
  }

  static std::shared_ptr<grpc::Channel> GrpcChannel(const std::string& address) {
    ClientSecurity cs;
    cs.tls_ca = *dir_ + "/certs/ca.pem";
    cs.token = (*tokens_)["read"].token;
    return *Dial(address, cs);
  }

  // The response checked against the document: the path and status are listed, and the
  // body has the listed media type's schema.
  static void ExpectMatchesDocument(const std::string& path, const Response& r) {
    const Value* paths = Field(*doc_, "paths");
    ASSERT_NE(paths, nullptr);
    const Value* op = Field(*paths, path);
    ASSERT_NE(op, nullptr) << path << " is not in openapi.json";
    op = Field(*op, "get");
    ASSERT_NE(op, nullptr) << path;
    const Value* resp = Field(*Field(*op, "responses"), std::to_string(r.status));
    ASSERT_NE(resp, nullptr) << path << " answered " << r.status << ", which the document does not list: " << r.body;
    const Value* content = Field(*resp, "content");
    if (!content) return;
    const std::string media = r.type.substr(0, r.type.find(';'));
    const Value* m = Field(*content, media);
    ASSERT_NE(m, nullptr) << path << " " << r.status << ": media type " << media << " is not listed";
    if (media != "application/json") return;
    std::vector<std::string> errors;
    Check(*doc_, *Field(*m, "schema"), ParseJson(r.body), path, &errors);
    EXPECT_TRUE(errors.empty()) << path << " " << r.status << ":\n" << absl::StrJoin(errors, "\n");
  }

  static inline std::string* dir_ = nullptr;
  static inline std::map<std::string, Token>* tokens_ = nullptr;
  static inline ServerProcess *ing_ = nullptr, *met_ = nullptr, *rep_ = nullptr;
  static inline int http_port_ = 0;
  static inline Value* doc_ = nullptr;
};

TEST_F(ApiTest, DocumentIsServedAndItsSchemasAreTheProtobufJsonMapping) {
  Response r = Get("/api/v1/openapi.json", "");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, ReadAll(std::string(CARESTAT_SOURCE_DIR) + "/services/reporting/web/openapi.json"));
  Value served = ParseJson(r.body);
  ASSERT_NE(Field(served, "openapi"), nullptr);
  EXPECT_TRUE(absl::StartsWith(Field(served, "openapi")->string_value(), "3."));
  // Every response message's schema is what protobuf's JSON mapping prints for it.
  const std::map<std::string, Value> expected = ExpectedSchemas();
  if (const char* out = std::getenv("CARESTAT_WRITE_OPENAPI_SCHEMAS")) {
    Value all;
    for (const auto& [name, s] : expected) (*all.mutable_struct_value()->mutable_fields())[name] = s;
    std::string json;
    google::protobuf::util::JsonPrintOptions o;
    o.add_whitespace = true;
    (void)google::protobuf::util::MessageToJsonString(all, &json, o);
    WriteAll(out, json);
  }
  const Value* schemas = Field(*Field(served, "components"), "schemas");
  ASSERT_NE(schemas, nullptr);
  for (const auto& [name, s] : expected) {
    const Value* got = Field(*schemas, name);
    ASSERT_NE(got, nullptr) << "components.schemas." << name << " is missing";
    std::string diff;
    google::protobuf::util::MessageDifferencer d;
    d.ReportDifferencesToString(&diff);
    EXPECT_TRUE(d.Compare(s, *got)) << "components.schemas." << name
                                    << " differs from the proto (regenerate with CARESTAT_WRITE_OPENAPI_SCHEMAS=FILE): "
                                    << diff;
  }
}

TEST_F(ApiTest, EveryEndpointAnswersAsTheDocumentSays) {
  struct Case {
    std::string path, query;
    int status;
    std::string token = "read";
  };
  const std::vector<Case> cases = {
      {"/api/v1/indicators", "", 200},
      {"/api/v1/series", "?la=301&indicator=referrals", 200},
      {"/api/v1/series", "?la=301&indicator=lac_month_end&monthly=true&from=2015-16&to=2015-16", 200},
      {"/api/v1/series", "?la=301&indicator=referral_rate&comparators=false", 200},
      {"/api/v1/series", "?la=301&indicator=referral_nfa_pct&rolling=true&from=2015-16&to=2015-16", 200},
      {"/api/v1/series", "?la=301&indicator=cin_open_year_end&rolling=true", 400},
      {"/api/v1/series", "?la=3O1&indicator=referrals", 400},
      {"/api/v1/series", "?la=301", 400},
      {"/api/v1/series", "?la=301&indicator=referrals", 401, ""},
      {"/api/v1/series", "?la=301&indicator=referrals", 403, "ingest"},
      {"/api/v1/series", "?la=999&indicator=referrals", 404},
      {"/api/v1/benchmark", "?la=301", 200},
      {"/api/v1/benchmark", "?la=301&indicator=referral_rate&year=2015-16", 200},
      {"/api/v1/benchmark", "?la=301&year=2015", 400},
      {"/api/v1/returns", "?la=301", 200},
      {"/api/v1/returns", "", 400},
      {"/api/v1/coverage", "?la=301", 200},
      {"/api/v1/coverage", "?la=301&format=csv", 200},
      {"/api/v1/coverage", "", 400},
      {"/api/v1/forecast", "?la=301", 200},
      {"/api/v1/forecast", "?la=301&backtest=true&format=csv", 200},
      {"/api/v1/forecast", "?la=301&backtest=perhaps", 400},
      {"/api/v1/forecast", "?la=301", 403, "ingest"},
      {"/api/v1/coverage", "?la=301", 403, "ingest"},
      {"/api/v1/children", "?la=301&indicator=cpp_ceased_2y_plus_pct&period=2015-16", 200, "case"},
      {"/api/v1/children", "?la=301&indicator=cpp_ceased_2y_plus_pct&period=2015-16", 403},
      {"/api/v1/children", "?la=301&indicator=cpp_ceased_2y_plus_pct&period=2015", 400, "case"},
      {"/api/v1/children", "?la=301&indicator=cpp_rate&period=2015-16", 409, "case"},
      {"/api/v1/children", "?la=301&indicator=referrals&month=2011-12", 200, "case"},
      {"/api/v1/children", "?la=301&indicator=lac_started&month=2015-12&rolling=true", 200, "case"},
      {"/api/v1/children", "?la=301&indicator=lac_started&month=2015-13", 400, "case"},
      {"/api/v1/children", "?la=301&indicator=lac_started&period=2015-16&rolling=true", 400, "case"},
      {"/api/v1/children", "?la=301&indicator=lac_started&period=2015-16&month=2015-06", 400, "case"},
      {"/api/v1/children", "?la=301&indicator=lac_started", 400, "case"},
      {"/api/v1/reports/annual", "?la=301&year=2015-16", 200},
      {"/api/v1/reports/annual", "?la=301&year=2015-16&format=csv", 200},
      {"/api/v1/reports/annual", "?la=301&year=2015-16&format=pdf", 400},
      {"/api/v1/reports/self-assessment", "?la=301&year=2015-16", 200},
      {"/api/v1/reports/self-assessment", "?la=301&year=2015-16&format=md", 200},
      {"/api/v1/reports/self-assessment", "?la=301", 400, "revoked"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path + c.query);
    Response r = Get(c.path + c.query, c.token.empty() ? "" : (*tokens_)[c.token].token);
    EXPECT_EQ(r.status, c.status == 400 && c.token == "revoked" ? 401 : c.status) << r.body.substr(0, 300);
    ExpectMatchesDocument(c.path, r);
  }
}

TEST_F(ApiTest, JsonIsTheGrpcAnswerToTheSameQuestion) {
  auto metrics = v1::Metrics::NewStub(GrpcChannel(met_->address()));
  auto reporting = v1::Reporting::NewStub(GrpcChannel(rep_->address()));
  auto expect_same = [](const google::protobuf::Message& grpc_answer, const std::string& http_body,
                        google::protobuf::Message* parsed) {
    auto s = google::protobuf::util::JsonStringToMessage(http_body, parsed);
    ASSERT_TRUE(s.ok()) << s.message();
    ExpectSameAnswer(grpc_answer, *parsed);
  };
  auto ctx = [](grpc::ClientContext* c) { c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120)); };
  {
    grpc::ClientContext c;
    ctx(&c);
    v1::GetSeriesRequest req;
    req.set_la("301");
    req.set_indicator("cpp_rate");
    req.set_from("2011-12");
    req.set_with_comparators(true);
    v1::GetSeriesResponse want, got;
    ASSERT_TRUE(metrics->GetSeries(&c, req, &want).ok());
    ASSERT_GT(want.points_size(), 0);
    Response r = Read("/api/v1/series?la=301&indicator=cpp_rate&from=2011-12");
    ASSERT_EQ(r.status, 200) << r.body;
    expect_same(want, r.body, &got);
  }
  {
    grpc::ClientContext c;
    ctx(&c);
    v1::GetSeriesRequest req;
    req.set_la("301");
    req.set_indicator("referrals");
    req.set_monthly(true);
    req.set_with_comparators(true);
    v1::GetSeriesResponse want, got;
    ASSERT_TRUE(metrics->GetSeries(&c, req, &want).ok());
    ASSERT_GT(want.points_size(), 12);
    for (const auto& p : want.points()) EXPECT_EQ(p.period().kind(), v1::Period::MONTH);
    Response r = Read("/api/v1/series?la=301&indicator=referrals&monthly=true");
    ASSERT_EQ(r.status, 200) << r.body;
    expect_same(want, r.body, &got);
  }
  {
    // The rolling 12 months at each month end: March's window is the year.
    grpc::ClientContext c;
    ctx(&c);
    v1::GetSeriesRequest req;
    req.set_la("301");
    req.set_indicator("referrals");
    req.set_rolling(true);
    req.set_with_comparators(true);
    v1::GetSeriesResponse want, got;
    ASSERT_TRUE(metrics->GetSeries(&c, req, &want).ok());
    ASSERT_GT(want.points_size(), 12);
    EXPECT_EQ(want.comparators_size(), 0);
    for (const auto& p : want.points()) EXPECT_EQ(p.period().kind(), v1::Period::ROLLING_12_MONTHS);
    Response r = Read("/api/v1/series?la=301&indicator=referrals&rolling=true");
    ASSERT_EQ(r.status, 200) << r.body;
    expect_same(want, r.body, &got);
    Response csv = Read("/api/v1/series?la=301&indicator=referrals&rolling=true&from=2015-16&to=2015-16&format=csv");
    ASSERT_EQ(csv.status, 200) << csv.body;
    EXPECT_NE(csv.body.find("301,referrals,,2015-04 to 2016-03,"), std::string::npos) << csv.body.substr(0, 400);
  }
  {
    grpc::ClientContext c;
    ctx(&c);
    v1::GetBenchmarkRequest req;
    req.set_la("301");
    v1::GetBenchmarkResponse want, got;
    ASSERT_TRUE(metrics->GetBenchmark(&c, req, &want).ok());
    Response r = Read("/api/v1/benchmark?la=301");
    ASSERT_EQ(r.status, 200) << r.body;
    expect_same(want, r.body, &got);
  }
  {
    grpc::ClientContext c;
    ctx(&c);
    v1::ListIndicatorsResponse want, got;
    ASSERT_TRUE(metrics->ListIndicators(&c, v1::ListIndicatorsRequest(), &want).ok());
    Response r = Read("/api/v1/indicators");
    ASSERT_EQ(r.status, 200) << r.body;
    expect_same(want, r.body, &got);
  }
  {
    grpc::ClientContext c;
    ctx(&c);
    v1::ListReturnsRequest req;
    req.set_la("301");
    v1::ListReturnsResponse want, got;
    ASSERT_TRUE(metrics->ListReturns(&c, req, &want).ok());
    ASSERT_GT(want.returns_size(), 0);
    Response r = Read("/api/v1/returns?la=301");
    ASSERT_EQ(r.status, 200) << r.body;
    expect_same(want, r.body, &got);
  }
  {
    grpc::ClientContext c;
    ctx(&c);
    v1::BuildAnnualReportRequest req;
    req.set_la("301");
    req.set_year("2015-16");
    v1::AnnualReport want, got;
    ASSERT_TRUE(reporting->BuildAnnualReport(&c, req, &want).ok());
    Response r = Read("/api/v1/reports/annual?la=301&year=2015-16");
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.body, &got).ok());
    want.clear_generated_unix_ms();   // when each was built
    got.clear_generated_unix_ms();
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(want, got));
  }
  {
    grpc::ClientContext c;
    ctx(&c);
    v1::BuildSelfAssessmentRequest req;
    req.set_la("301");
    req.set_year("2015-16");
    v1::SelfAssessment want, got;
    ASSERT_TRUE(reporting->BuildSelfAssessment(&c, req, &want).ok());
    Response r = Read("/api/v1/reports/self-assessment?la=301&year=2015-16");
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.body, &got).ok());
    want.clear_generated_unix_ms();
    got.clear_generated_unix_ms();
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(want, got));
  }
}

std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::istringstream in(text);
  CsvReader reader(in);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  while (reader.Next(&row)) rows.push_back(row);
  EXPECT_EQ(reader.error(), "");
  return rows;
}

TEST_F(ApiTest, CsvOnRequestHoldsTheSameFigures) {
  Response json = Read("/api/v1/series?la=301&indicator=referral_rate");
  ASSERT_EQ(json.status, 200);
  v1::GetSeriesResponse series;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.body, &series).ok());
  for (const std::string& how : {std::string("accept"), std::string("format")}) {
    Response csv = how == "accept" ? Read("/api/v1/series?la=301&indicator=referral_rate", "text/csv")
                                   : Read("/api/v1/series?la=301&indicator=referral_rate&format=csv");
    ASSERT_EQ(csv.status, 200);
    EXPECT_TRUE(absl::StartsWith(csv.type, "text/csv")) << csv.type;
    auto rows = ParseCsv(csv.body);
    ASSERT_EQ(rows.size(), 1u + series.points_size() + series.comparators_size());
    EXPECT_EQ(rows[0], (std::vector<std::string>{"entity", "indicator", "breakdown", "period", "value", "numerator",
                                                 "denominator", "supplied", "month"}));
    for (int i = 0; i < series.points_size(); ++i) {
      const auto& p = series.points(i);
      EXPECT_EQ(rows[i + 1][0], "301");
      if (p.has_value()) {
        EXPECT_DOUBLE_EQ(std::stod(rows[i + 1][4]), p.value());
      } else {
        EXPECT_EQ(rows[i + 1][4], "");
      }
    }
  }
  Response bench = Read("/api/v1/benchmark?la=301", "text/csv");
  ASSERT_EQ(bench.status, 200);
  auto brows = ParseCsv(bench.body);
  ASSERT_GT(brows.size(), 10u);
  for (const auto& row : brows) EXPECT_EQ(row.size(), brows[0].size());
  Response ind = Read("/api/v1/indicators", "text/csv");
  ASSERT_EQ(ind.status, 200);
  v1::ListIndicatorsResponse catalogue;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(Read("/api/v1/indicators").body, &catalogue).ok());
  auto irows = ParseCsv(ind.body);
  ASSERT_EQ(irows.size(), 1u + catalogue.indicators_size());
  EXPECT_EQ(irows[1][0], catalogue.indicators(0).id());
}

TEST_F(ApiTest, TokensAndRolesAsForGrpcAndEveryRequestAudited) {
  Response none = Get("/api/v1/indicators", "");
  EXPECT_EQ(none.status, 401);
  EXPECT_NE(none.body.find("missing credentials"), std::string::npos) << none.body;
  EXPECT_NE(none.www_authenticate.find("Bearer"), std::string::npos);
  Response unknown = Get("/api/v1/indicators", "cst_not_a_token_of_this_server_at_all_xxxxxxxxxx");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_NE(unknown.body.find("unknown token"), std::string::npos) << unknown.body;
  Response revoked = Get("/api/v1/indicators", (*tokens_)["revoked"].token);
  EXPECT_EQ(revoked.status, 401);
  EXPECT_NE(revoked.body.find("revoked"), std::string::npos) << revoked.body;
  Response wrong_role = Get("/api/v1/series?la=301&indicator=referrals", (*tokens_)["ingest"].token);
  EXPECT_EQ(wrong_role.status, 403);
  EXPECT_NE(wrong_role.body.find("needs the role"), std::string::npos) << wrong_role.body;
  EXPECT_EQ(Read("/api/v1/series?la=301&indicator=referrals").status, 200);
  // Every request has its audit line: who, what, the LA, the HTTP status; never a token.
  const std::string audit = ReadAll(*dir_ + "/reporting-audit.jsonl");
  auto has_line = [&](const std::vector<std::string>& parts) {
    for (absl::string_view line : absl::StrSplit(audit, '\n')) {
      bool all = !line.empty();
      for (const auto& p : parts) all = all && line.find(p) != absl::string_view::npos;
      if (all) return true;
    }
    return false;
  };
  EXPECT_TRUE(has_line({"\"principal\":\"dashboard\"", "\"method\":\"GET /api/v1/series\"", "\"la\":\"301\"",
                        "\"outcome\":\"OK\"", "\"http_status\":200"}))
      << audit;
  EXPECT_TRUE(has_line({"\"principal\":\"uploader\"", "GET /api/v1/series", "\"outcome\":\"PERMISSION_DENIED\"",
                        "\"http_status\":403", "\"reason\":\"role not allowed\""}))
      << audit;
  EXPECT_TRUE(has_line({"\"principal\":\"-\"", "GET /api/v1/indicators", "\"http_status\":401",
                        "\"reason\":\"missing credentials\""}))
      << audit;
  for (const auto& [name, t] : *tokens_) EXPECT_EQ(audit.find(t.token), std::string::npos) << name;
}

TEST_F(ApiTest, ABadParameterIsA400NamingIt) {
  struct Case {
    std::string query, named;
  };
  // An LA without data is metrics' NOT_FOUND, its message kept; an unknown path is 404 too.
  Response no_data = Read("/api/v1/series?la=999&indicator=referrals");
  EXPECT_EQ(no_data.status, 404);
  EXPECT_NE(no_data.body.find("no data for LA 999"), std::string::npos) << no_data.body;
  Response no_route = Read("/api/v1/nothing");
  EXPECT_EQ(no_route.status, 404);
  EXPECT_NE(no_route.body.find("no such page or API route"), std::string::npos) << no_route.body;
  for (const Case& c : std::vector<Case>{
           {"/api/v1/series?la=30&indicator=referrals", "'la'"},
           {"/api/v1/series?la=301&indicator=Referrals!", "'indicator'"},
           {"/api/v1/series?la=301&indicator=no_such_indicator", "'no_such_indicator'"},
           {"/api/v1/series?la=301&indicator=referrals&from=2015", "'from'"},
           {"/api/v1/series?la=301&indicator=referrals&monthly=yes", "'monthly'"},
           {"/api/v1/series?la=301&indicator=referral_rate&monthly=true", "not computed per month"},
           {"/api/v1/series?la=301&indicator=cpp_year_end&rolling=true", "no rolling 12-month figures"},
           {"/api/v1/series?la=301&indicator=referrals&rolling=maybe", "'rolling'"},
           {"/api/v1/series?la=301&indicator=referrals&rolling=true&monthly=true", "not both"},
           {"/api/v1/series?la=301&indicator=referrals&colour=red", "'colour'"},
           {"/api/v1/series?indicator=referrals", "'la'"},
           {"/api/v1/series?la=301&la=302&indicator=referrals", "'la'"},
           {"/api/v1/benchmark?la=301&year=16-17", "'year'"},
           {"/api/v1/reports/annual?la=301&year=2015-16&format=pdf", "'format'"},
           {"/api/v1/reports/annual?la=301&year=2015-16&publish=maybe", "'publish'"},
           {"/api/v1/indicators?format=xml", "'format'"},
       }) {
    Response r = Read(c.query);
    EXPECT_EQ(r.status, 400) << c.query << ": " << r.body;
    Value v = ParseJson(r.body);
    const Value* e = Field(v, "error");
    ASSERT_NE(e, nullptr) << r.body;
    EXPECT_NE(Field(*e, "message")->string_value().find(c.named), std::string::npos) << c.query << ": " << r.body;
  }
}

TEST_F(ApiTest, ReportsInEveryFormatTheServiceRenders) {
  for (const std::string kind : {"annual", "self-assessment"}) {
    for (const std::string format : {"json", "csv", "html", "md", "xlsx", "docx"}) {
      SCOPED_TRACE(kind + " " + format);
      Response r = Read(absl::StrCat("/api/v1/reports/", kind, "?la=301&year=2015-16&format=", format));
      ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
      ASSERT_FALSE(r.body.empty());
      if (format == "json") {
        EXPECT_TRUE(Field(ParseJson(r.body), "la") != nullptr);
      }
      if (format == "html") {
        EXPECT_NE(r.body.find("<html"), std::string::npos);
      }
      if (format == "xlsx" || format == "docx") {
        EXPECT_EQ(r.body.substr(0, 2), "PK");   // a zip
        EXPECT_NE(r.disposition.find("301-2015-16-"), std::string::npos) << r.disposition;
      }
      if (format == "csv") {
        EXPECT_GT(ParseCsv(r.body).size(), 5u);
      }
    }
  }
  // publish=true applies DfE's disclosure control, as carestat report --publish.
  Response published = Read("/api/v1/reports/annual?la=301&year=2015-16&format=json&publish=true");
  ASSERT_EQ(published.status, 200);
  EXPECT_NE(published.body.find("\"suppressed\": true"), std::string::npos);
}

int Count(const std::string& s, const std::string& what) {
  int n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

// The dashboard's pages: served with a read token, landmarks and a skip link, every chart
// with a text alternative and a table with header cells, nothing fetched from elsewhere.
// (The browser checks, keyboard and axe, are not written yet: docs/DASHBOARD.md.)
TEST_F(ApiTest, DashboardPagesAreServedWholeAndAccessibleInMarkup) {
  const std::vector<std::string> pages = {"/", "/la?la=301", "/la?la=301&area=front_door",
                                          "/indicator?la=301&indicator=referrals",
                                          "/indicator?la=301&indicator=lac_month_end",
                                          "/indicator?la=301&indicator=cpp_rate",
                                          "/compare?la=301",
                                          "/compare?la=301&las=301,302&indicators=cpp_rate,referrals",
                                          "/quality?la=301",
                                          "/reports?la=301",
                                          "/forecast?la=301"};
  std::map<std::string, std::string> html;
  for (const auto& p : pages) {
    SCOPED_TRACE(p);
    Response r = Read(p);
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 500);
    EXPECT_TRUE(absl::StartsWith(r.type, "text/html")) << r.type;
    html[p] = r.body;
    EXPECT_NE(r.body.find("<html lang=\"en-GB\">"), std::string::npos);
    EXPECT_NE(r.body.find("<a class=\"skip\" href=\"#main\">"), std::string::npos);
    EXPECT_NE(r.body.find("<main id=\"main\""), std::string::npos);
    EXPECT_NE(r.body.find("<nav aria-label="), std::string::npos);
    EXPECT_EQ(Count(r.body, "<h1"), 1);
    // No CDN, no external request: only this server's paths.
    for (const char* external : {"src=\"http", "href=\"http", "src=\"//", "href=\"//", "url(http"}) {
      EXPECT_EQ(r.body.find(external), std::string::npos) << external;
    }
    // Every chart (the reports' SVG and each sparkline) is an image with a text alternative.
    const int svgs = Count(r.body, "<svg");
    EXPECT_EQ(Count(r.body, "<svg") , Count(r.body, "role=\"img\"")) << p;
    EXPECT_GE(Count(r.body, "aria-label") + Count(r.body, "aria-labelledby"), svgs);
    // Tables have captions and header cells with scope.
    EXPECT_EQ(Count(r.body, "<table"), Count(r.body, "<caption"));
    if (Count(r.body, "<table")) {
      EXPECT_GT(Count(r.body, "scope=\""), 0);
    }
  }
  // The overview: every indicator of the catalogue with a link, a sparkline where years exist.
  v1::ListIndicatorsResponse catalogue;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(Read("/api/v1/indicators").body, &catalogue).ok());
  const std::string& overview = html["/la?la=301"];
  for (const auto& d : catalogue.indicators()) {
    EXPECT_NE(overview.find("indicator=" + d.id() + "\""), std::string::npos) << d.id();
  }
  EXPECT_GT(Count(overview, "class=\"spark\""), 40);
  // Rated as the self-assessment rates them, with a direction of travel.
  EXPECT_GT(Count(overview, "class=\"rating-green\"") + Count(overview, "class=\"rating-amber\"") +
                Count(overview, "class=\"rating-red\""),
            5);
  EXPECT_GT(Count(overview, "<td>improving</td>") + Count(overview, "<td>deteriorating</td>") +
                Count(overview, "<td>stable</td>"),
            5);
  // Filtered by area: only the front door's indicators.
  const std::string& front = html["/la?la=301&area=front_door"];
  EXPECT_NE(front.find("indicator=referrals\""), std::string::npos);
  EXPECT_EQ(front.find("indicator=cpp_rate\""), std::string::npos);
  // The indicator page: the yearly chart with comparators, the months of a monthly indicator.
  const std::string& rate = html["/indicator?la=301&indicator=cpp_rate"];
  EXPECT_NE(rate.find("England"), std::string::npos);
  // All LAs' published figures with this LA marked.
  EXPECT_NE(rate.find("The distribution of all LAs"), std::string::npos);
  EXPECT_NE(rate.find("the thick line is LA 301"), std::string::npos);
  const std::string& months = html["/indicator?la=301&indicator=lac_month_end"];
  EXPECT_NE(months.find("By month"), std::string::npos);
  EXPECT_GE(Count(months, "<tr><th scope=\"row\">20"), 24) << "two years of months";
  EXPECT_EQ(months.find("Rolling 12 months"), std::string::npos) << "a snapshot has no rolling figure";
  // A flow: its months and, beside them, the 12 months ending with each, as a chart and a
  // table (the window ending in March 2016 is 2015-16), and a CSV link.
  const std::string& flow = html["/indicator?la=301&indicator=referrals"];
  EXPECT_NE(flow.find("<h2>Rolling 12 months</h2>"), std::string::npos);
  EXPECT_NE(flow.find("<figure class=\"chart\" aria-labelledby=\"rolling-cap\">"), std::string::npos);
  EXPECT_NE(flow.find("over the 12 months ending with each month: figures</caption>"), std::string::npos);
  EXPECT_EQ(Count(flow, "<tr><th scope=\"row\">2016-03</th>"), 2) << "March 2016 in the months and the windows";
  EXPECT_NE(flow.find("rolling=true&amp;format=csv"), std::string::npos);
  // A month-end rate has months now, but no rolling figure.
  EXPECT_NE(rate.find("By month"), std::string::npos);
  EXPECT_EQ(rate.find("Rolling 12 months"), std::string::npos);
  // Compare: its CSV download is the API's CSV of each LA and indicator, header once.
  const std::string& compare = html["/compare?la=301&las=301,302&indicators=cpp_rate,referrals"];
  EXPECT_NE(compare.find("No data loaded for LA 302"), std::string::npos);
  EXPECT_EQ(Count(compare, "<figure class=\"chart\""), 2);
  Response download = Read("/compare.csv?la=301&las=301,302&indicators=cpp_rate,referrals");
  ASSERT_EQ(download.status, 200);
  EXPECT_NE(download.disposition.find("attachment"), std::string::npos);
  std::string api = Read("/api/v1/series?la=301&indicator=cpp_rate&comparators=false", "text/csv").body;
  const std::string second = Read("/api/v1/series?la=301&indicator=referrals&comparators=false", "text/csv").body;
  api += second.substr(second.find("\r\n") + 2);
  EXPECT_EQ(download.body, api);
  // The default comparison is the LA and its statistical neighbours.
  EXPECT_GE(Count(html["/compare?la=301"], "No data loaded for LA"), 1);
  // Data quality: every return of every year, stored, rejected or missing.
  const std::string& quality = html["/quality?la=301"];
  for (const char* year : {"2010-11", "2015-16"}) EXPECT_NE(quality.find(year), std::string::npos) << year;
  EXPECT_GT(Count(quality, "class=\"status-stored\""), 30);
  // Reports: each year, both reports, six formats.
  EXPECT_GE(Count(html["/reports?la=301"], "href=\"/api/v1/reports/"), 6 * 2 * 6);
  // A bad parameter is a page naming it; no token is the sign-in form.
  Response bad = Read("/indicator?la=301&indicator=nope");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("unknown indicator"), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("<main"), std::string::npos);
  Response anonymous = Get("/la?la=301", "");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_NE(anonymous.body.find("<form method=\"post\" action=\"/login\">"), std::string::npos);
  // Signing in keeps the token in an HttpOnly, SameSite=Strict, Secure cookie that pages accept.
  httplib::SSLClient cli("127.0.0.1", http_port_);
  cli.set_ca_cert_path((*dir_ + "/certs/ca.pem").c_str());
  cli.enable_server_certificate_verification(true);
  auto login = cli.Post("/login", httplib::Params{{"token", (*tokens_)["read"].token}, {"next", "/la?la=301"}});
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 303);
  EXPECT_EQ(login->get_header_value("Location"), "/la?la=301");
  const std::string cookie = login->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("Secure"), std::string::npos) << cookie;
  auto page = cli.Get("/la?la=301", httplib::Headers{{"Cookie", cookie.substr(0, cookie.find(';'))}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  auto offsite = cli.Post("/login", httplib::Params{{"token", (*tokens_)["read"].token}, {"next", "//evil.example/"}});
  ASSERT_TRUE(offsite);
  EXPECT_EQ(offsite->get_header_value("Location"), "/");
  auto wrong = cli.Post("/login", httplib::Params{{"token", "cst_wrong"}, {"next", "/"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
}

// The coverage of every return and year: the gRPC answer, the data-quality page's rows,
// and CSV with one row per return and year.
TEST_F(ApiTest, CoverageIsTheGrpcAnswerAndThePagesFigures) {
  auto reporting = v1::Reporting::NewStub(GrpcChannel(rep_->address()));
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  v1::GetCoverageRequest req;
  req.set_la("301");
  v1::GetCoverageResponse want, got;
  ASSERT_TRUE(reporting->GetCoverage(&c, req, &want).ok());
  Response r = Read("/api/v1/coverage?la=301");
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.body, &got).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(want, got));
  ASSERT_GE(got.years_size(), 6);
  // Newest first; each year's expected returns, each stored, rejected or missing.
  std::map<std::string, int> by_status;
  int rows = 0;
  for (int i = 0; i < got.years_size(); ++i) {
    if (i) {
      EXPECT_LT(got.years(i).collection_year(), got.years(i - 1).collection_year());
    }
    EXPECT_EQ(got.years(i).period(), absl::StrCat(got.years(i).collection_year() - 1, "-",
                                                  absl::StrFormat("%02d", got.years(i).collection_year() % 100)));
    for (const auto& x : got.years(i).returns()) {
      ++by_status[x.status()];
      ++rows;
      EXPECT_TRUE(x.status() == "stored" || x.status() == "rejected" || x.status() == "missing") << x.status();
    }
  }
  // The data-quality page shows the same rows: a year heading each, the same statuses.
  const std::string page = Read("/quality?la=301").body;
  for (const auto& y : got.years()) {
    EXPECT_NE(page.find(absl::StrCat("<h2>", y.period(), " (collection year ", y.collection_year(), ")</h2>")),
              std::string::npos)
        << y.period();
    for (const auto& x : y.returns()) {
      EXPECT_NE(page.find(absl::StrCat("<tr><th scope=\"row\">", x.name(), "</th><td class=\"status-", x.status(), "\">")),
                std::string::npos)
          << y.period() << " " << x.name();
    }
  }
  for (const auto& [status, n] : by_status) {
    EXPECT_EQ(Count(page, "class=\"status-" + status + "\""), n) << status;
  }
  EXPECT_GT(by_status["stored"], 30);
  auto csv = ParseCsv(Read("/api/v1/coverage?la=301", "text/csv").body);
  ASSERT_EQ(csv.size(), 1u + rows);
  EXPECT_EQ(csv[0], (std::vector<std::string>{"la", "collection_year", "period", "name", "dataset", "status", "file",
                                             "detail", "feeds", "expected"}));
  EXPECT_EQ(csv[1][1], absl::StrCat(got.years(0).collection_year()));
  EXPECT_EQ(csv[1][3], got.years(0).returns(0).name());
  EXPECT_EQ(csv[1][5], got.years(0).returns(0).status());
}

std::string Grouped(double v) {
  std::string digits = absl::StrFormat("%.0f", v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// The demand forecast (issue 18): the API's JSON is metrics' answer; the page shows the
// annual report's Figure 5 with its table and Tables 5 and 6, or the gap when metrics
// cannot forecast the LA.
TEST_F(ApiTest, ForecastIsTheGrpcAnswerAndThePageShowsTheReportsFigureAndTables) {
  auto metrics = v1::Metrics::NewStub(GrpcChannel(met_->address()));
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  v1::ForecastRequest req;
  req.set_la("301");
  v1::ForecastResponse want, got;
  ASSERT_TRUE(metrics->Forecast(&c, req, &want).ok());
  ASSERT_EQ(want.forecasts_size(), 1);
  Response r = Read("/api/v1/forecast?la=301");
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.body, &got).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(want, got));
  const v1::LaForecast& f = got.forecasts(0);
  ASSERT_GT(f.points_size(), 12);
  auto csv = ParseCsv(Read("/api/v1/forecast?la=301", "text/csv").body);
  ASSERT_EQ(csv.size(), 1u + 5 * f.points_size());
  EXPECT_EQ(csv[0], (std::vector<std::string>{"la", "date", "kind", "category", "children", "band_lower", "band_upper",
                                             "daily_cost"}));
  EXPECT_EQ(csv[5][1], f.points(0).date());
  EXPECT_EQ(csv[5][3], "in_care");
  EXPECT_DOUBLE_EQ(std::stod(csv[5][4]), f.points(0).children().in_care());

  Response page = Read("/forecast?la=301");
  ASSERT_EQ(page.status, 200) << page.body.substr(0, 300);
  EXPECT_NE(page.body.find("Figure 5: Looked-after children: actual and projected"), std::string::npos);
  EXPECT_EQ(page.body.find("id=\"forecast-gap\""), std::string::npos);
  EXPECT_NE(page.body.find("<svg"), std::string::npos);
  EXPECT_NE(page.body.find("id=\"forecast-table\""), std::string::npos);
  EXPECT_NE(page.body.find("id=\"forecast-table5\""), std::string::npos);
  EXPECT_NE(page.body.find("id=\"forecast-table6\""), std::string::npos);
  EXPECT_NE(page.body.find("How good past forecasts were"), std::string::npos) << "the backtest in the note";
  EXPECT_NE(page.body.find("href=\"/forecast?la=301\""), std::string::npos) << "in the LA navigation";
  // The last projected month end (a quarter end, a year on) as the figure's table and
  // Table 5 show it.
  const v1::ForecastPoint& last = f.points(f.points_size() - 1);
  EXPECT_EQ(last.kind(), "projected");
  EXPECT_GE(Count(page.body, "<td class=\"num\">" + Grouped(last.children().in_care()) + "</td>"), 2)
      << Grouped(last.children().in_care());
  EXPECT_NE(page.body.find("<td class=\"num\">" + Grouped(last.children().fostering()) + "</td>"), std::string::npos);
  // Metrics cannot forecast an LA without SSDA903 returns: the figure's gap says why.
  Response none = Read("/forecast?la=999");
  ASSERT_EQ(none.status, 200) << none.body.substr(0, 300);
  EXPECT_NE(none.body.find("id=\"forecast-gap\""), std::string::npos);
  EXPECT_NE(none.body.find("no projection"), std::string::npos);
  EXPECT_EQ(none.body.find("<svg"), std::string::npos);
}

// The children behind a figure (issue 17): a `read` principal never sees them, in the API
// or on the indicator page; a `case` principal does, the lists as long as the figure's
// numerator and denominator, asked of metrics with the caller's own token so that metrics'
// audit log names the caller, and nothing of them kept (Cache-Control: no-store).
TEST_F(ApiTest, ChildrenOnlyForCasePrincipalsAskedWithTheirOwnToken) {
  const std::string ind = "cpp_ceased_2y_plus_pct", period = "2015-16";
  const std::string query = "?la=301&indicator=" + ind + "&period=" + period;
  // The figure as the series gives it.
  v1::GetSeriesResponse series;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  Read("/api/v1/series?la=301&indicator=" + ind + "&comparators=false").body, &series)
                  .ok());
  const v1::IndicatorPoint* figure = nullptr;
  for (const auto& p : series.points()) {
    if (p.breakdown().empty() && FormatPeriod(p.period()) == period) figure = &p;
  }
  ASSERT_NE(figure, nullptr);
  ASSERT_GT(figure->numerator(), 0);
  ASSERT_GT(figure->denominator(), figure->numerator());

  // read: refused by the API, and the page has no list, no link to one, no heading.
  Response refused = Read("/api/v1/children" + query);
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("needs the role case"), std::string::npos) << refused.body;
  Response plain = Read("/indicator?la=301&indicator=" + ind);
  ASSERT_EQ(plain.status, 200);
  for (const char* trace : {"/api/v1/children", "children-numerator", "The children behind", "pseudonym"}) {
    EXPECT_EQ(plain.body.find(trace), std::string::npos) << trace;
  }

  // case: the API's JSON is metrics' answer to the case principal, the lists as long as the figure.
  Response json = Get("/api/v1/children" + query, (*tokens_)["case"].token);
  ASSERT_EQ(json.status, 200) << json.body.substr(0, 300);
  EXPECT_EQ(json.cache_control, "no-store");
  v1::ListChildrenResponse listed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.body, &listed).ok());
  EXPECT_EQ(listed.numerator_size(), static_cast<int>(figure->numerator()));
  EXPECT_EQ(listed.denominator_size(), static_cast<int>(figure->denominator()));
  EXPECT_DOUBLE_EQ(listed.point().value(), figure->value());
  {
    ClientSecurity cs;
    cs.tls_ca = *dir_ + "/certs/ca.pem";
    cs.token = (*tokens_)["case"].token;
    auto stub = v1::Metrics::NewStub(*Dial(met_->address(), cs));
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    v1::ListChildrenRequest req;
    req.set_la("301");
    req.set_indicator(ind);
    req.set_period(period);
    v1::ListChildrenResponse want;
    ASSERT_TRUE(stub->ListChildren(&c, req, &want).ok());
    ExpectSameAnswer(want, listed);
  }
  // A case-only principal may use the API (the page needs read as well).
  EXPECT_EQ(Get("/api/v1/children" + query, (*tokens_)["caseonly"].token).status, 200);
  Response csv = Get("/api/v1/children" + query + "&format=csv", (*tokens_)["case"].token);
  ASSERT_EQ(csv.status, 200);
  auto rows = ParseCsv(csv.body);
  ASSERT_EQ(rows.size(), 1u + listed.numerator_size() + listed.denominator_size());
  EXPECT_EQ(rows[0][0], "list");
  EXPECT_EQ(rows[0].back(), "returns");
  EXPECT_EQ(rows[1][0], "numerator");
  EXPECT_EQ(rows[1][1], listed.numerator(0).child());
  EXPECT_EQ(rows.back()[0], "denominator");

  // The page: the figure, its numerator and denominator, and both lists with their lengths.
  Response page = Get("/indicator?la=301&indicator=" + ind + "&period=" + period, (*tokens_)["case"].token);
  ASSERT_EQ(page.status, 200) << page.body.substr(0, 300);
  EXPECT_EQ(page.cache_control, "no-store");
  const std::string n = absl::StrCat(listed.numerator_size()), dn = absl::StrCat(listed.denominator_size());
  EXPECT_NE(page.body.find("id=\"children-numerator\" data-entries=\"" + n + "\""), std::string::npos);
  EXPECT_NE(page.body.find("id=\"children-denominator\" data-entries=\"" + dn + "\""), std::string::npos);
  EXPECT_NE(page.body.find("data-figure=\"numerator\">" + n + "<"), std::string::npos);
  EXPECT_NE(page.body.find("data-listed=\"numerator\">" + n + "<"), std::string::npos);
  EXPECT_NE(page.body.find("data-figure=\"denominator\">" + dn + "<"), std::string::npos);
  const size_t table = page.body.find("id=\"children-numerator\"");
  const size_t end = page.body.find("</table>", table);
  EXPECT_EQ(Count(page.body.substr(table, end - table), "<tr><th scope=\"row\">"), listed.numerator_size());
  EXPECT_NE(page.body.find(listed.numerator(0).child()), std::string::npos);
  // Without a period, the latest year with a figure.
  Response latest = Get("/indicator?la=301&indicator=" + ind, (*tokens_)["case"].token);
  EXPECT_NE(latest.body.find("id=\"children-numerator\""), std::string::npos);
  // No children behind a rate: said, not listed.
  Response rate = Get("/indicator?la=301&indicator=cpp_rate", (*tokens_)["case"].token);
  ASSERT_EQ(rate.status, 200);
  EXPECT_NE(rate.body.find("no children can be listed behind cpp_rate"), std::string::npos);
  EXPECT_EQ(rate.body.find("children-numerator"), std::string::npos);

  // Metrics' audit log names the case principal for every listing, never this server.
  const std::string audit = ReadAll(*dir_ + "/metrics-audit.jsonl");
  int by_case = 0;
  for (absl::string_view line : absl::StrSplit(audit, '\n')) {
    if (!absl::StrContains(line, "/carestat.v1.Metrics/ListChildren")) continue;
    EXPECT_FALSE(absl::StrContains(line, "\"principal\":\"reporter\"")) << line;
    EXPECT_FALSE(absl::StrContains(line, "\"principal\":\"dashboard\"")) << line;
    if (absl::StrContains(line, "\"principal\":\"j.smith\"") && absl::StrContains(line, "\"indicator\":\"" + ind + "\"") &&
        absl::StrContains(line, "\"la\":\"301\"") && absl::StrContains(line, "\"outcome\":\"OK\"") &&
        absl::StrContains(line, absl::StrCat("\"children\":", listed.children_returned()))) {
      ++by_case;
    }
  }
  EXPECT_GE(by_case, 3) << audit.substr(audit.size() > 3000 ? audit.size() - 3000 : 0);
  for (const auto& [name, t] : *tokens_) EXPECT_EQ(audit.find(t.token), std::string::npos) << name;
  // The listener's own audit line of each listing says how many children it gave out too.
  const std::string web_audit = ReadAll(*dir_ + "/reporting-audit.jsonl");
  int web_listings = 0;
  for (absl::string_view line : absl::StrSplit(web_audit, '\n')) {
    if (absl::StrContains(line, "\"principal\":\"j.smith\"") && absl::StrContains(line, "/api/v1/children") &&
        absl::StrContains(line, absl::StrCat("\"children\":", listed.children_returned()))) {
      ++web_listings;
    }
  }
  EXPECT_GE(web_listings, 1) << web_audit.substr(web_audit.size() > 3000 ? web_audit.size() - 3000 : 0);

  // A reporting server without tokens names nobody: no list, and metrics is not asked.
  const std::string& dir = *dir_;
  ServerProcess open({ServerBin("reporting"), "--init", "--listen", "127.0.0.1:0", "--plaintext", "--metrics",
                      met_->address(), "--http-listen", "127.0.0.1:0", "--tls-ca", dir + "/certs/ca.pem",
                      "--token-file", dir + "/reporter.token"});
  ASSERT_TRUE(open.Start());
  const std::string line = open.ReadLine();
  const int port = std::stoi(line.substr(line.rfind(':') + 1));
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(120, 0);
  auto api = cli.Get(("/api/v1/children" + query).c_str(),
                     httplib::Headers{{"Authorization", "Bearer " + (*tokens_)["case"].token}});
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 403);
  EXPECT_NE(api->body.find("checks no tokens"), std::string::npos) << api->body;
  auto open_page = cli.Get(("/indicator?la=301&indicator=" + ind).c_str());
  ASSERT_TRUE(open_page);
  EXPECT_EQ(open_page->status, 200);
  EXPECT_EQ(open_page->body.find("children-numerator"), std::string::npos);
  EXPECT_EQ(open_page->body.find("/api/v1/children"), std::string::npos);
  EXPECT_EQ(open.Stop(), 0);
  const std::string after = ReadAll(*dir_ + "/metrics-audit.jsonl");
  int listings = 0;
  for (absl::string_view l : absl::StrSplit(after, '\n')) listings += absl::StrContains(l, "/ListChildren") ? 1 : 0;
  int before = 0;
  for (absl::string_view l : absl::StrSplit(audit, '\n')) before += absl::StrContains(l, "/ListChildren") ? 1 : 0;
  EXPECT_EQ(listings, before) << "the open server asked metrics for children";
}

// The children behind a rolling 12-month figure and behind December 2011 (month=2011-12;
// period=2011-12 is the year): the API's JSON is metrics' gRPC answer to the same
// question, the lists as long as the figure the series gives, a child once in a window;
// the series CSV's "month" column is what month= takes; the indicator page offers and
// shows both; bad combinations are a 400 saying what to give.
TEST_F(ApiTest, ChildrenOfARollingWindowAndOfADecemberMonth) {
  ClientSecurity cs;
  cs.tls_ca = *dir_ + "/certs/ca.pem";
  cs.token = (*tokens_)["case"].token;
  auto stub = v1::Metrics::NewStub(*Dial(met_->address(), cs));
  struct Case {
    std::string indicator, month;
    bool rolling;
  };
  for (const Case& k : {Case{"lac_started", "2015-12", true}, Case{"cpp_ceased_2y_plus_pct", "2015-09", true},
                        Case{"referrals", "2011-12", false}}) {
    SCOPED_TRACE(k.indicator + " " + k.month);
    // The figure, found by the CSV's "month" column.
    Response csv = Read("/api/v1/series?la=301&indicator=" + k.indicator + (k.rolling ? "&rolling=true" : "&monthly=true") +
                        "&format=csv");
    ASSERT_EQ(csv.status, 200);
    auto rows = ParseCsv(csv.body);
    ASSERT_FALSE(rows.empty());
    ASSERT_EQ(rows[0].back(), "month");
    double numerator = -1, denominator = -1;
    for (const auto& row : rows) {
      if (row[0] == "301" && row.back() == k.month) {
        numerator = std::stod(row[5]);
        denominator = std::stod(row[6]);
      }
    }
    ASSERT_GT(numerator, 0) << csv.body.substr(0, 500);
    const std::string query =
        "?la=301&indicator=" + k.indicator + "&month=" + k.month + (k.rolling ? "&rolling=true" : "");
    Response json = Get("/api/v1/children" + query, (*tokens_)["case"].token);
    ASSERT_EQ(json.status, 200) << json.body.substr(0, 300);
    ExpectMatchesDocument("/api/v1/children", json);
    v1::ListChildrenResponse listed;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.body, &listed).ok());
    EXPECT_EQ(listed.numerator_size(), static_cast<int>(numerator));
    EXPECT_EQ(listed.denominator_size(), static_cast<int>(denominator));
    EXPECT_EQ(listed.point().period().kind(), k.rolling ? v1::Period::ROLLING_12_MONTHS : v1::Period::MONTH);
    EXPECT_EQ(FormatPeriod(Month(listed.point().period().start_year(), listed.point().period().month())), k.month);
    if (listed.counts() == "children") {
      std::set<std::string> once;
      for (const auto& c : listed.numerator()) {
        if (!c.child().empty()) EXPECT_TRUE(once.insert(c.child()).second) << c.child();
      }
    }
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    v1::ListChildrenRequest req;
    req.set_la("301");
    req.set_indicator(k.indicator);
    *req.mutable_exact_period() = k.rolling ? Rolling12Months(std::stoi(k.month.substr(0, 4)), std::stoi(k.month.substr(5)))
                                            : Month(std::stoi(k.month.substr(0, 4)), std::stoi(k.month.substr(5)));
    v1::ListChildrenResponse want;
    ASSERT_TRUE(stub->ListChildren(&c, req, &want).ok());
    ExpectSameAnswer(want, listed);

    // The page lists the same, offers the choice selected, and links the same CSV.
    Response page = Get("/indicator" + query, (*tokens_)["case"].token);
    ASSERT_EQ(page.status, 200) << page.body.substr(0, 300);
    const std::string n = absl::StrCat(listed.numerator_size());
    EXPECT_NE(page.body.find("id=\"children-numerator\" data-entries=\"" + n + "\""), std::string::npos);
    EXPECT_NE(page.body.find("data-figure=\"numerator\">" + n + "<"), std::string::npos);
    const std::string select = k.rolling ? "children-rolling" : "children-month";
    const size_t at = page.body.find("<select id=\"" + select + "\" name=\"month\">");
    ASSERT_NE(at, std::string::npos) << select;
    EXPECT_NE(page.body.find("<option value=\"" + k.month + "\" selected>", at), std::string::npos);
    EXPECT_NE(page.body.find("/api/v1/children?la=301&amp;indicator=" + k.indicator + "&amp;month=" + k.month +
                             (k.rolling ? "&amp;rolling=true" : "")),
              std::string::npos);
  }
  // Metrics' audit log says which period was listed, never as text that reads as a year.
  const std::string audit = ReadAll(*dir_ + "/metrics-audit.jsonl");
  // The listener's own audit line names it in the same words.
  const std::string web_audit = ReadAll(*dir_ + "/reporting-audit.jsonl");
  for (const char* period : {"12 months 2015-01 to 2015-12", "12 months 2014-10 to 2015-09", "month 2011-12"}) {
    EXPECT_NE(audit.find(absl::StrCat("\"period\":\"", period, "\"")), std::string::npos) << period;
    EXPECT_NE(web_audit.find(absl::StrCat("\"period\":\"", period, "\"")), std::string::npos) << period;
  }
  // period=2011-12 is the year: more referrals than its December.
  Response year = Get("/api/v1/children?la=301&indicator=referrals&period=2011-12", (*tokens_)["case"].token);
  ASSERT_EQ(year.status, 200);
  v1::ListChildrenResponse of_year;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(year.body, &of_year).ok());
  EXPECT_EQ(of_year.point().period().kind(), v1::Period::FINANCIAL_YEAR);
  EXPECT_GT(of_year.numerator_size(), 0);
  // Bad combinations: 400 saying what to give.
  for (const auto& [query, says] : std::vector<std::pair<std::string, std::string>>{
           {"&period=2015-16&rolling=true", "give month=2016-03"},
           {"&period=2015-16&month=2015-06", "not both"},
           {"&rolling=true", "give period=2015-16"},
           {"&month=2015-13", "must be a month"}}) {
    Response r = Get("/api/v1/children?la=301&indicator=lac_started" + query, (*tokens_)["case"].token);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_NE(r.body.find(says), std::string::npos) << query << ": " << r.body;
  }
}

// Mutual TLS as for gRPC: without a client certificate no connection; with one, its CN's
// line in the tokens file stands in for a token.
TEST_F(ApiTest, MutualTlsClientCertificateStandsForAToken) {
  const std::string& dir = *dir_;
  ServerProcess mtls({ServerBin("reporting"), "--init", "--listen", "127.0.0.1:0", "--metrics", met_->address(), "--http-listen",
                      "127.0.0.1:0", "--tls-cert", dir + "/certs/server.pem", "--tls-key", dir + "/certs/server.key",
                      "--tls-client-ca", dir + "/certs/ca.pem", "--tokens", dir + "/tokens", "--tls-ca",
                      dir + "/certs/ca.pem", "--token-file", dir + "/reporter.token"});
  ASSERT_TRUE(mtls.Start());
  const std::string line = mtls.ReadLine();
  const size_t at = line.find(" https://127.0.0.1:");
  ASSERT_NE(at, std::string::npos) << line;
  const int port = std::stoi(line.substr(at + std::string(" https://127.0.0.1:").size()));
  {
    httplib::SSLClient anonymous("127.0.0.1", port);
    anonymous.set_ca_cert_path((dir + "/certs/ca.pem").c_str());
    anonymous.enable_server_certificate_verification(true);
    auto res = anonymous.Get("/api/v1/indicators", httplib::Headers{{"Authorization", "Bearer " + (*tokens_)["read"].token}});
    EXPECT_FALSE(res) << "answered without a client certificate: " << res->status;
  }
  httplib::SSLClient with_cert("127.0.0.1", port, dir + "/certs/client.pem", dir + "/certs/client.key");
  with_cert.set_ca_cert_path((dir + "/certs/ca.pem").c_str());
  with_cert.enable_server_certificate_verification(true);
  auto by_cert = with_cert.Get("/api/v1/indicators");
  ASSERT_TRUE(by_cert);
  EXPECT_EQ(by_cert->status, 200) << by_cert->body;
  // A token, when given, is what is checked.
  auto by_token = with_cert.Get("/api/v1/indicators", httplib::Headers{{"Authorization", "Bearer " + (*tokens_)["ingest"].token}});
  ASSERT_TRUE(by_token);
  EXPECT_EQ(by_token->status, 403) << by_token->body;
  EXPECT_EQ(mtls.Stop(), 0);
}

// `carestat series` of an indicator counted only per month printed nothing and exited 0.
TEST_F(ApiTest, SeriesCommandGivesTheMonthsOrAClearError) {
  ::setenv("CARESTAT_TLS_CA", (*dir_ + "/certs/ca.pem").c_str(), 1);
  ::setenv("CARESTAT_TOKEN", (*tokens_)["read"].token.c_str(), 1);
  const std::string target = met_->address();
  CommandResult months = RunCommand({CarestatBin(), "series", "--la", "301", "--indicator", "lac_month_end", "--from",
                                     "2015-16", "--target", target});
  EXPECT_EQ(months.exit_code, 0) << months.err;
  for (const char* m : {"2015-04", "2015-12", "2016-03"}) EXPECT_NE(months.out.find(m), std::string::npos) << months.out;
  CommandResult asked = RunCommand({CarestatBin(), "series", "--la", "301", "--indicator", "referrals", "--monthly",
                                    "--from", "2015-16", "--json", "--target", target});
  EXPECT_EQ(asked.exit_code, 0) << asked.err;
  EXPECT_NE(asked.out.find("\"by\": \"month\""), std::string::npos) << asked.out;
  EXPECT_NE(asked.out.find("\"period\": \"2015-06\""), std::string::npos) << asked.out;
  CommandResult rolling = RunCommand({CarestatBin(), "series", "--la", "301", "--indicator", "referrals", "--rolling",
                                      "--from", "2015-16", "--to", "2015-16", "--json", "--target", target});
  EXPECT_EQ(rolling.exit_code, 0) << rolling.err;
  EXPECT_NE(rolling.out.find("\"by\": \"rolling 12 months\""), std::string::npos) << rolling.out;
  EXPECT_NE(rolling.out.find("\"period\": \"2014-07 to 2015-06\""), std::string::npos) << rolling.out;
  // `indicators --list` says which have months and rolling figures.
  CommandResult list = RunCommand({CarestatBin(), "indicators", "--list", "--target", target});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  std::map<std::string, std::string> line_of;
  for (const auto& line : absl::StrSplit(list.out, '\n')) line_of[std::string(line.substr(0, line.find(' ')))] = std::string(line);
  EXPECT_NE(line_of["referrals"].find("[months] [rolling 12 months]"), std::string::npos) << list.out;
  EXPECT_NE(line_of["cpp_rate"].find("[months]"), std::string::npos) << list.out;
  EXPECT_EQ(line_of["cpp_rate"].find("rolling"), std::string::npos) << list.out;
  EXPECT_EQ(line_of["lac_female_pct"].find("[months]"), std::string::npos) << list.out;
  CommandResult both = RunCommand({CarestatBin(), "series", "--la", "301", "--indicator", "referrals", "--rolling",
                                   "--monthly", "--target", target});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("not both"), std::string::npos) << both.err;
  CommandResult yearly_only = RunCommand({CarestatBin(), "series", "--la", "301", "--indicator", "referral_rate",
                                          "--monthly", "--target", target});
  EXPECT_EQ(yearly_only.exit_code, 2);
  EXPECT_NE(yearly_only.err.find("not computed per month"), std::string::npos) << yearly_only.err;
  CommandResult none = RunCommand({CarestatBin(), "series", "--la", "301", "--indicator", "referrals", "--from",
                                   "2030-31", "--target", target});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("no figure of referrals for LA 301"), std::string::npos) << none.err;
  ::unsetenv("CARESTAT_TOKEN");
  ::unsetenv("CARESTAT_TLS_CA");
}

TEST(ApiListenerTest, PlaintextOnlyWhereGrpcWouldServeIt) {
  const std::string dir = MakeTempDir("plain");
  // No TLS: a loopback address serves plaintext; any other address is refused (exit 2).
  CommandResult refused = RunCommand({ServerBin("reporting"), "--init", "--listen", "127.0.0.1:0", "--metrics", "127.0.0.1:1",
                                      "--plaintext", "--http-listen", "0.0.0.0:0"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("--http-listen"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("plaintext"), std::string::npos) << refused.err;
  ServerProcess loopback({ServerBin("reporting"), "--init", "--listen", "127.0.0.1:0", "--metrics", "127.0.0.1:1", "--plaintext",
                          "--http-listen", "127.0.0.1:0"});
  ASSERT_TRUE(loopback.Start());
  const std::string line = loopback.ReadLine();
  ASSERT_TRUE(absl::StartsWith(line, "carestat-reporting HTTP listening on 127.0.0.1:")) << line;
  EXPECT_NE(line.find(" http://127.0.0.1:"), std::string::npos) << line;
  const int port = std::stoi(line.substr(line.rfind(':') + 1));
  httplib::Client cli("127.0.0.1", port);
  auto res = cli.Get("/api/v1/openapi.json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(loopback.Stop(), 0);
}

TEST(ApiListenerTest, RunServeServesLoopbackOnly) {
  const std::string dir = MakeTempDir("serve");
  CommandResult wide = RunCommand({CarestatBin(), "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out", dir + "/out", "--data",
                                   dir + "/data", "--serve", "--http-listen", "0.0.0.0:0"});
  EXPECT_EQ(wide.exit_code, 2);
  EXPECT_NE(wide.err.find("loopback only"), std::string::npos) << wide.err;
  CommandResult alone = RunCommand({CarestatBin(), "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out", dir + "/out",
                                    "--http-listen", "127.0.0.1:0"});
  EXPECT_EQ(alone.exit_code, 2);
  EXPECT_NE(alone.err.find("--http-listen goes with --serve"), std::string::npos) << alone.err;
}

// carestat run --serve --tokens FILE: the embedded dashboard on one machine names its
// callers, so a `case` principal sees the children behind a figure, as many as its
// numerator and denominator, a `read` principal does not, and the dashboard's audit log
// records each listing with its count (the embedded metrics keeps no audit of its own).
TEST(ApiListenerTest, RunServeWithTokensShowsACasePrincipalTheChildren) {
  const std::string dir = MakeTempDir("serve-tokens");
  CommandResult synth = RunCommand({CarestatBin(), "synth", "--profile", "barking-and-dagenham", "--out", dir + "/inbox"});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  const Token reader = MakeToken("analyst", "read"), manager = MakeToken("j.smith", "read,case");
  WriteAll(dir + "/tokens", reader.line + "\n" + manager.line + "\n");
  ::chmod((dir + "/tokens").c_str(), 0600);

  // Refused before anything is ingested: tokens without --serve, a tokens file that is not there.
  CommandResult alone = RunCommand({CarestatBin(), "run", "--init", "--inbox", dir + "/inbox", "--out", dir + "/out",
                                    "--data", dir + "/data", "--tokens", dir + "/tokens"});
  EXPECT_EQ(alone.exit_code, 2);
  EXPECT_NE(alone.err.find("--tokens goes with --serve"), std::string::npos) << alone.err;
  CommandResult missing = RunCommand({CarestatBin(), "run", "--init", "--inbox", dir + "/inbox", "--out", dir + "/out",
                                      "--data", dir + "/data", "--serve", "--tokens", dir + "/no-such-tokens"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find(dir + "/no-such-tokens"), std::string::npos) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/out/301")) << "the run went on with a tokens file it could not read";

  ServerProcess run({CarestatBin(), "run", "--init", "--inbox", dir + "/inbox", "--out", dir + "/out", "--data",
                     dir + "/data", "--serve", "--tokens", dir + "/tokens"});
  ASSERT_TRUE(run.StartAndWaitFor("the dashboard is at ", 300));
  // "http://127.0.0.1:PORT/ (sign in with a token ...)"
  ASSERT_TRUE(absl::StartsWith(run.address(), "http://127.0.0.1:")) << run.address();
  const int port = std::stoi(run.address().substr(std::string("http://127.0.0.1:").size()));
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(120, 0);
  auto get = [&](const std::string& path, const std::string& token) {
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    auto r = cli.Get(path.c_str(), h);
    EXPECT_TRUE(r) << path;
    return r ? std::make_pair(r->status, r->body) : std::make_pair(0, std::string());
  };

  const std::string ind = "cpp_ceased_2y_plus_pct", query = "?la=301&indicator=" + ind + "&period=2015-16";
  // The figure, from the same dashboard.
  auto [series_status, series_body] = get("/api/v1/series?la=301&indicator=" + ind, reader.token);
  ASSERT_EQ(series_status, 200) << series_body;
  v1::GetSeriesResponse series;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(series_body, &series).ok()) << series_body.substr(0, 500);
  double numerator = -1, denominator = -1;
  for (const auto& p : series.points()) {
    if (p.entity() == "301" && p.breakdown().empty() && FormatPeriod(p.period()) == "2015-16") {
      numerator = p.numerator();
      denominator = p.denominator();
    }
  }
  ASSERT_GT(numerator, 0) << "no 2015-16 figure with a numerator: it would prove little";
  ASSERT_GT(denominator, numerator);

  // Nobody named: asked to sign in. A read principal: refused, and its page shows no child.
  EXPECT_EQ(get("/api/v1/children" + query, "").first, 401);
  auto [read_status, read_body] = get("/api/v1/children" + query, reader.token);
  EXPECT_EQ(read_status, 403);
  EXPECT_NE(read_body.find("role"), std::string::npos) << read_body;
  auto [read_page_status, read_page] = get("/indicator" + query, reader.token);
  EXPECT_EQ(read_page_status, 200);
  EXPECT_EQ(read_page.find("children-numerator"), std::string::npos);

  // The case principal: lists as long as the figure's numerator and denominator.
  auto [case_status, case_body] = get("/api/v1/children" + query, manager.token);
  ASSERT_EQ(case_status, 200) << case_body.substr(0, 500);
  v1::ListChildrenResponse listed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(case_body, &listed).ok());
  EXPECT_EQ(listed.numerator_size(), numerator);
  EXPECT_EQ(listed.denominator_size(), denominator);
  EXPECT_EQ(listed.point().numerator(), numerator);
  ASSERT_GT(listed.numerator_size(), 0);
  auto [page_status, page] = get("/indicator" + query, manager.token);
  ASSERT_EQ(page_status, 200);
  EXPECT_NE(page.find(absl::StrCat("data-listed=\"numerator\">", listed.numerator_size(), "<")), std::string::npos);
  EXPECT_NE(page.find(absl::StrCat("data-listed=\"denominator\">", listed.denominator_size(), "<")), std::string::npos);
  EXPECT_NE(page.find(listed.numerator(0).child()), std::string::npos);
  EXPECT_EQ(run.Stop(), 0);

  // The dashboard's audit log: each listing under the principal's name with its count; the
  // refusal too; never a pseudonym or a token.
  const std::string audit = ReadAll(dir + "/data/web-audit.jsonl");
  ASSERT_FALSE(audit.empty());
  int api_listings = 0, page_listings = 0, refused = 0;
  for (absl::string_view line : absl::StrSplit(audit, '\n', absl::SkipEmpty())) {
    const bool counted = absl::StrContains(line, absl::StrCat("\"children\":", listed.children_returned()));
    if (absl::StrContains(line, "\"principal\":\"j.smith\"") && absl::StrContains(line, "\"indicator\":\"" + ind + "\"") &&
        absl::StrContains(line, "\"la\":\"301\"") && counted) {
      api_listings += absl::StrContains(line, "/api/v1/children") ? 1 : 0;
      page_listings += absl::StrContains(line, "GET /indicator") ? 1 : 0;
    }
    if (absl::StrContains(line, "\"principal\":\"analyst\"") && absl::StrContains(line, "/api/v1/children")) {
      ++refused;
      EXPECT_FALSE(absl::StrContains(line, "\"children\"")) << line;
    }
  }
  EXPECT_EQ(api_listings, 1) << audit;
  EXPECT_EQ(page_listings, 1) << audit;
  EXPECT_EQ(refused, 1) << audit;
  for (const auto& c : listed.numerator()) EXPECT_EQ(audit.find(c.child()), std::string::npos) << c.child();
  EXPECT_EQ(audit.find(manager.token), std::string::npos);
  EXPECT_EQ(audit.find(reader.token), std::string::npos);
}

// Issue 17's done-when: LA 301 compared with its statistical neighbours on national
// synthetic data. The neighbours are the ones the compare page names by default (DfE's
// list in force); with their returns loaded, each has its column of figures, equal to its
// own series, and the CSV download has every LA's rows.
TEST(ApiListenerTest, CompareShowsLa301WithItsNeighboursOnNationalSyntheticData) {
  namespace fs = std::filesystem;
  const std::string dir = MakeTempDir("neighbours");
  CommandResult borough = RunCommand({CarestatBin(), "synth", "--profile", "barking-and-dagenham", "--out", dir + "/inbox"});
  ASSERT_EQ(borough.exit_code, 0) << borough.err;
  CommandResult national = RunCommand({CarestatBin(), "synth", "--las", "152", "--years", "2016", "--scale", "0.05",
                                       "--out", dir + "/national"});
  ASSERT_EQ(national.exit_code, 0) << national.err;
  CommandResult first = RunCommand({CarestatBin(), "run", "--init", "--inbox", dir + "/inbox", "--out", dir + "/out",
                                    "--data", dir + "/data"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ServerSecurity security;
  security.plaintext = true;
  // Which LAs are 301's neighbours: the borough alone, its compare page names them as not loaded.
  std::vector<std::string> neighbours;
  {
    auto e = Embedded::Start(dir + "/data");
    ASSERT_TRUE(e.ok()) << e.status();
    auto web = WebServer::Start("127.0.0.1:0", security, (*e)->metrics(), (*e)->reporting());
    ASSERT_TRUE(web.ok()) << web.status();
    httplib::Client cli("127.0.0.1", (*web)->port());
    auto page = cli.Get("/compare?la=301");
    ASSERT_TRUE(page);
    ASSERT_EQ(page->status, 200);
    const std::string marker = "No data loaded for LA ";
    const size_t at = page->body.find(marker);
    ASSERT_NE(at, std::string::npos) << page->body.substr(0, 2000);
    const std::string list = page->body.substr(at + marker.size(), page->body.find(':', at) - at - marker.size());
    for (absl::string_view la : absl::StrSplit(list, ", LA ")) neighbours.emplace_back(la);
    (*web)->Stop();
  }
  ASSERT_GE(neighbours.size(), 8u) << "301 has ten statistical neighbours in DfE's list";
  for (const std::string& la : neighbours) {
    ASSERT_TRUE(fs::exists(dir + "/national/" + la)) << la << " is not one of synth's 152 LAs";
    fs::create_directories(dir + "/inbox2");
    fs::rename(dir + "/national/" + la, dir + "/inbox2/" + la);
  }
  CommandResult second = RunCommand({CarestatBin(), "run", "--inbox", dir + "/inbox2", "--out", dir + "/out",
                                     "--data", dir + "/data"});
  ASSERT_EQ(second.exit_code, 0) << second.err;

  auto e = Embedded::Start(dir + "/data");
  ASSERT_TRUE(e.ok()) << e.status();
  auto web = WebServer::Start("127.0.0.1:0", security, (*e)->metrics(), (*e)->reporting());
  ASSERT_TRUE(web.ok()) << web.status();
  httplib::Client cli("127.0.0.1", (*web)->port());
  cli.set_read_timeout(60, 0);
  auto page = cli.Get("/compare?la=301&indicators=referral_rate");
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  const std::string& body = page->body;
  EXPECT_EQ(body.find("No data loaded"), std::string::npos) << "a neighbour's data did not load";
  EXPECT_NE(body.find("<th scope=\"col\">LA 301</th>"), std::string::npos);
  auto csv = cli.Get("/compare.csv?la=301&indicators=referral_rate");
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->status, 200);
  std::map<std::string, double> csv_2015;   // entity -> 2015-16 value
  for (const auto& row : ParseCsv(csv->body)) {
    if (row.size() >= 5 && row[1] == "referral_rate" && row[2].empty() && row[3] == "2015-16" && !row[4].empty()) {
      csv_2015[row[0]] = std::stod(row[4]);
    }
  }
  for (const std::string& la : neighbours) {
    // Its column on the page, and its figure in the CSV equal to its own series.
    EXPECT_NE(body.find("<th scope=\"col\">LA " + la + "</th>"), std::string::npos) << la;
    auto series = cli.Get(("/api/v1/series?la=" + la + "&indicator=referral_rate&comparators=false").c_str());
    ASSERT_TRUE(series);
    ASSERT_EQ(series->status, 200) << la;
    v1::GetSeriesResponse r;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(series->body, &r).ok());
    bool found = false;
    for (const auto& p : r.points()) {
      if (p.entity() == la && p.breakdown().empty() && FormatPeriod(p.period()) == "2015-16" && p.has_value()) {
        found = true;
        ASSERT_TRUE(csv_2015.count(la)) << la << "\n" << csv->body.substr(0, 1500);
        EXPECT_DOUBLE_EQ(csv_2015[la], p.value()) << la;
        EXPECT_GT(p.value(), 0) << la;
      }
    }
    EXPECT_TRUE(found) << la << " has no 2015-16 referral rate";
  }
  EXPECT_TRUE(csv_2015.count("301"));
  (*web)->Stop();
}

// Metrics in front of the embedded one that fails GetSeries for one indicator, as a busy
// or restarting metrics would for some of the overview's ~60 calls at once.
class OneIndicatorFailsMetrics final : public v1::Metrics::Service {
 public:
  OneIndicatorFailsMetrics(std::shared_ptr<grpc::Channel> real, std::string failing)
      : real_(v1::Metrics::NewStub(std::move(real))), failing_(std::move(failing)) {}
  grpc::Status ListIndicators(grpc::ServerContext*, const v1::ListIndicatorsRequest* req,
                              v1::ListIndicatorsResponse* out) override {
    grpc::ClientContext c;
    return real_->ListIndicators(&c, *req, out);
  }
  grpc::Status GetSeries(grpc::ServerContext*, const v1::GetSeriesRequest* req, v1::GetSeriesResponse* out) override {
    if (req->indicator() == failing_) return grpc::Status(grpc::UNAVAILABLE, "metrics is restarting");
    grpc::ClientContext c;
    return real_->GetSeries(&c, *req, out);
  }
  grpc::Status GetBenchmark(grpc::ServerContext*, const v1::GetBenchmarkRequest* req,
                            v1::GetBenchmarkResponse* out) override {
    grpc::ClientContext c;
    return real_->GetBenchmark(&c, *req, out);
  }
  grpc::Status ListReturns(grpc::ServerContext*, const v1::ListReturnsRequest* req,
                           v1::ListReturnsResponse* out) override {
    grpc::ClientContext c;
    return real_->ListReturns(&c, *req, out);
  }

 private:
  std::unique_ptr<v1::Metrics::Stub> real_;
  std::string failing_;
};

// The overview asks for every indicator's series at once: one that metrics fails to answer
// is a row saying so, counted in the summary, never a row that vanishes (a reader would
// take a missing indicator for one without a figure) nor an error for the whole page.
TEST(ApiListenerTest, AnIndicatorMetricsFailsToAnswerIsARowSayingSoOnTheOverview) {
  const std::string dir = MakeTempDir("overview-fails");
  CommandResult synth = RunCommand({CarestatBin(), "synth", "--profile", "barking-and-dagenham", "--out", dir + "/inbox"});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  CommandResult run = RunCommand({CarestatBin(), "run", "--init", "--inbox", dir + "/inbox", "--out", dir + "/out",
                                  "--data", dir + "/data"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto e = Embedded::Start(dir + "/data");
  ASSERT_TRUE(e.ok()) << e.status();
  ServerSecurity security;
  security.plaintext = true;
  // The same page from the real metrics first: every indicator has its own row.
  auto count_rows = [](const std::string& body) {
    int n = 0;
    for (size_t at = body.find("<tr><th scope=\"row\">"); at != std::string::npos;
         at = body.find("<tr><th scope=\"row\">", at + 1)) {
      ++n;
    }
    return n;
  };
  std::string whole;
  {
    auto web = WebServer::Start("127.0.0.1:0", security, (*e)->metrics(), (*e)->reporting());
    ASSERT_TRUE(web.ok()) << web.status();
    httplib::Client cli("127.0.0.1", (*web)->port());
    cli.set_read_timeout(60, 0);
    auto page = cli.Get("/la?la=301");
    ASSERT_TRUE(page);
    ASSERT_EQ(page->status, 200);
    whole = page->body;
    (*web)->Stop();
  }
  ASSERT_EQ(whole.find("could not be read"), std::string::npos);
  const int rows = count_rows(whole);
  ASSERT_GT(rows, 40);

  OneIndicatorFailsMetrics flaky((*e)->metrics(), "referrals");
  std::unique_ptr<grpc::Server> server = StartInProcess({&flaky});
  ASSERT_TRUE(server);
  auto web = WebServer::Start("127.0.0.1:0", security, InProcessChannelTo(server.get()), (*e)->reporting());
  ASSERT_TRUE(web.ok()) << web.status();
  httplib::Client cli("127.0.0.1", (*web)->port());
  cli.set_read_timeout(60, 0);
  auto page = cli.Get("/la?la=301");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200) << page->body.substr(0, 2000);
  const std::string& body = page->body;
  EXPECT_EQ(count_rows(body), rows) << "an indicator's row vanished";
  EXPECT_EQ(Count(body, "could not be read from metrics: metrics is restarting"), 1);
  EXPECT_NE(body.find(", 1 that could not be read (see their rows)."), std::string::npos);
  // That row is the failing indicator's, and it links nowhere it cannot show.
  const size_t error = body.find("class=\"error\">could not be read");
  ASSERT_NE(error, std::string::npos);
  const size_t row = body.rfind("<tr><th scope=\"row\">", error);
  const std::string failed_row = body.substr(row, error - row);
  const size_t link = whole.find("indicator=referrals\">");
  ASSERT_NE(link, std::string::npos);
  const size_t name_at = link + std::string("indicator=referrals\">").size();
  const std::string name = whole.substr(name_at, whole.find("</a>", name_at) - name_at);
  EXPECT_EQ(failed_row, "<tr><th scope=\"row\">" + name + "</th><td colspan=\"12\" ") << failed_row;
  EXPECT_EQ(body.find("indicator=referrals\""), std::string::npos) << failed_row;
  (*web)->Stop();
  server->Shutdown();
}

// An LA whose returns feed none of an indicator's figures (here only SSDA903, viewing child
// protection, which is counted per month): its indicator page says there is no figure,
// by year and by month, instead of failing on the months of no year.
TEST(ApiListenerTest, AnIndicatorPageWithoutAnyFigureOfTheLaSaysSo) {
  namespace fs = std::filesystem;
  const std::string dir = MakeTempDir("nofigure");
  CommandResult synth = RunCommand({CarestatBin(), "synth", "--profile", "barking-and-dagenham", "--out", dir + "/inbox"});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  int kept = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir + "/inbox")) {
    if (!e.is_regular_file()) continue;
    const std::string name = e.path().filename().string();
    if (name == "header.csv" || name == "episodes.csv") {
      ++kept;
    } else {
      fs::remove(e.path());
    }
  }
  ASSERT_GT(kept, 0);
  CommandResult run = RunCommand({CarestatBin(), "run", "--init", "--inbox", dir + "/inbox", "--out", dir + "/out",
                                  "--data", dir + "/data"});
  ASSERT_LE(run.exit_code, 1) << run.err;
  auto e = Embedded::Start(dir + "/data");
  ASSERT_TRUE(e.ok()) << e.status();
  ServerSecurity security;
  security.plaintext = true;
  auto web = WebServer::Start("127.0.0.1:0", security, (*e)->metrics(), (*e)->reporting());
  ASSERT_TRUE(web.ok()) << web.status();
  httplib::Client cli("127.0.0.1", (*web)->port());
  auto page = cli.Get("/indicator?la=301&indicator=cpp_rate");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200) << page->body.substr(0, 2000);
  EXPECT_NE(page->body.find("No monthly figure for this LA."), std::string::npos);
  // The looked-after figures of the same LA still have their months.
  auto lac = cli.Get("/indicator?la=301&indicator=lac_month_end");
  ASSERT_TRUE(lac);
  EXPECT_EQ(lac->status, 200) << lac->body.substr(0, 2000);
  EXPECT_EQ(lac->body.find("No monthly figure for this LA."), std::string::npos);
  EXPECT_NE(lac->body.find("<h2>By month</h2>"), std::string::npos);
  (*web)->Stop();
}

}  // namespace
}  // namespace carestat
