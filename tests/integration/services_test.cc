// The three servers as separate processes on port 0, talking gRPC: upload, recompute,
// build and render, and the CLI against them.
#include <gtest/gtest.h>

#include <fstream>

#include <grpcpp/grpcpp.h>
#include <grpcpp/generic/generic_stub.h>

#include "carestat/v1/ingestion.grpc.pb.h"
#include "carestat/v1/metrics.grpc.pb.h"
#include "carestat/v1/reporting.grpc.pb.h"
#include "pipeline/inbox.h"
#include "services/common/server.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace {

const char kList1[] =
    "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\n"
    "C1,a) Male,a) WBRI,01/02/2010,5,31/03/2016,q) 6: Police\n"
    "C2,b) Female,a) WBRI,01/02/2011,5,01/05/2015,q) 6: Police\n"
    "C3,b) Female,a) WBRI,01/02/2011,5,01/04/2016,q) 6: Police\n";

const char kCensus[] =
    "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2016</Year>"
    "<ReferenceDate>2016-03-31</ReferenceDate></CollectionDetails><Source><LEA>301</LEA></Source></Header>"
    "<Children><Child><ChildIdentifiers><LAchildID>C1</LAchildID><Sex>1</Sex></ChildIdentifiers>"
    "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>"
    "<CINdetails><CINreferralDate>2016-03-31</CINreferralDate><ReferralSource>6</ReferralSource></CINdetails>"
    "</Child></Children></Message>\n";

class ServicesTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("svc");
    ingestion_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        BinDir() + "/services/ingestion/carestat-ingestion", "--init", "--listen", "127.0.0.1:0", "--data", dir_ + "/ing"});
    ASSERT_TRUE(ingestion_->Start());
    metrics_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{BinDir() + "/services/metrics/carestat-metrics", "--init", "--listen", "127.0.0.1:0",
                                 "--data", dir_ + "/met", "--ingestion", ingestion_->address()});
    ASSERT_TRUE(metrics_->Start());
    reporting_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        BinDir() + "/services/reporting/carestat-reporting", "--init", "--listen", "127.0.0.1:0", "--metrics",
        metrics_->address()});
    ASSERT_TRUE(reporting_->Start());
  }

  std::string Write(const std::string& name, const std::string& content) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << content;
    return path;
  }

  std::string dir_;
  std::unique_ptr<ServerProcess> ingestion_, metrics_, reporting_;
};

TEST_F(ServicesTest, UploadRecomputeBuildRenderOverGrpc) {
  {
  auto ing = v1::Ingestion::NewStub(DialInsecure(ingestion_->address()));
  auto up = UploadFile(*ing, InboxFile{"301", 2016, Write("list1.csv", kList1), "list1.csv"});
  ASSERT_TRUE(up.ok()) << up.status();
  EXPECT_EQ(up->outcome(), v1::STORED);
  EXPECT_EQ(up->records_stored(), 3);
  auto up2 = UploadFile(*ing, InboxFile{"301", 2016, Write("cin.xml", kCensus), "cin.xml"});
  ASSERT_TRUE(up2.ok()) << up2.status();
  auto again = UploadFile(*ing, InboxFile{"301", 2016, dir_ + "/cin.xml", "cin.xml"});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome(), v1::UNCHANGED);

  auto bad = UploadFile(*ing, InboxFile{"301", 2015, dir_ + "/cin.xml", "cin.xml"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("ReferenceDate"), std::string::npos) << bad.status();

  auto met = v1::Metrics::NewStub(DialInsecure(metrics_->address()));
  // Recomputes LA 301 and gives its records read (-1 on failure).
  auto recompute = [&] {
    grpc::ClientContext c;
    v1::RecomputeRequest req;
    req.set_la("301");
    v1::RecomputeResponse resp;
    grpc::Status s = met->Recompute(&c, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return s.ok() ? resp.records_read() : -1;
  };
  // LA 301's 2015-16 values by indicator.
  auto values = [&] {
    grpc::ClientContext c;
    v1::GetValuesRequest req;
    req.set_la("301");
    req.set_period("2015-16");
    v1::GetValuesResponse resp;
    EXPECT_TRUE(met->GetValues(&c, req, &resp).ok());
    std::map<std::string, double> v;
    for (const auto& p : resp.points()) v[p.indicator()] = p.value();
    return v;
  };
  EXPECT_EQ(recompute(), 5);  // 3 contacts, 1 child, 1 referral
  auto v = values();
  EXPECT_EQ(v["contacts"], 2);  // 31 March 2016 and 1 May 2015; 1 April 2016 is 2016-17
  EXPECT_EQ(v["referrals"], 1);
  EXPECT_EQ(v["contact_conversion_pct"], 50);
  // The contacts list uploaded again with one row: metrics keeps the census's records
  // and asks ingestion for the replaced list alone.
  const std::string one_row = std::string(kList1).substr(0, std::string(kList1).find("C2,"));
  auto up3 = UploadFile(*ing, InboxFile{"301", 2016, Write("list1b.csv", one_row), "list1.csv"});
  ASSERT_TRUE(up3.ok()) << up3.status();
  EXPECT_EQ(up3->outcome(), v1::REPLACED);
  EXPECT_EQ(recompute(), 3);  // 1 contact, 1 child, 1 referral
  v = values();
  EXPECT_EQ(v["contacts"], 1);
  EXPECT_EQ(v["referrals"], 1);
  EXPECT_EQ(v["contact_conversion_pct"], 100);
  auto rep = v1::Reporting::NewStub(DialInsecure(reporting_->address()));
  v1::AnnualReport report;
  {
    grpc::ClientContext c;
    v1::BuildAnnualReportRequest req;
    req.set_la("301");
    req.set_year("2015-16");
    ASSERT_TRUE(rep->BuildAnnualReport(&c, req, &report).ok());
    EXPECT_EQ(report.tables(0).rows(0).values(5).value(), 1);  // contacts, after the replaced list
  }
  {
    grpc::ClientContext c;
    v1::RenderRequest req;
    *req.mutable_report() = report;
    req.set_format(v1::HTML);
    v1::RenderResponse resp;
    ASSERT_TRUE(rep->Render(&c, req, &resp).ok());
    EXPECT_NE(resp.content().find("<table>"), std::string::npos);
  }
  // The CLI against the running servers.
  auto cli = RunCommand({BinDir() + "/pipeline/carestat", "indicators", "--la", "301", "--period", "2015-16",
                         "--json", "--target", metrics_->address()});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_NE(cli.out.find("\"contacts\": 1"), std::string::npos) << cli.out;
  auto missing = RunCommand({BinDir() + "/pipeline/carestat", "indicators", "--la", "999", "--period", "2015-16",
                             "--target", metrics_->address()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no data for LA 999"), std::string::npos) << missing.err;
  }  // clients gone: the servers have nothing to drain
  EXPECT_EQ(reporting_->Stop(), 0);
  EXPECT_EQ(metrics_->Stop(), 0);
  EXPECT_EQ(ingestion_->Stop(), 0);
}

TEST_F(ServicesTest, HealthCheckAnswersServing) {
  auto channel = DialInsecure(ingestion_->address());
  // The health service is the standard one; ask it over the wire.
  grpc::ClientContext c;
  grpc::ByteBuffer req, resp;
  // An empty HealthCheckRequest (service "") serialises to zero bytes.
  grpc::Slice empty("");
  req = grpc::ByteBuffer(&empty, 1);
  grpc::GenericStub generic(channel);
  grpc::CompletionQueue cq;
  auto call = generic.PrepareUnaryCall(&c, "/grpc.health.v1.Health/Check", req, &cq);
  call->StartCall();
  grpc::Status status;
  call->Finish(&resp, &status, reinterpret_cast<void*>(1));
  void* tag;
  bool ok;
  ASSERT_TRUE(cq.Next(&tag, &ok));
  EXPECT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(resp.Dump(&slices).ok());
  std::string bytes;
  for (auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  EXPECT_EQ(bytes, std::string("\x08\x01", 2));  // status: SERVING
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {}
}

}  // namespace
}  // namespace carestat
