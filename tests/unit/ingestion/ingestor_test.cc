#include "services/ingestion/ingestor.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "services/ingestion/check.h"
#include "tests/unit/ingestion/test_sink.h"

namespace carestat {
namespace {

const char kList1[] =
    "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\n"
    "C1,a) Male,a) WBRI,01/02/2010,5,31/03/2016,q) 6: Police\n"
    "C2,b) Female,a) WBRI,01/02/2011,5,01/04/2016,q) 6: Police\n";

class IngestorTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "/ingestor_" + std::to_string(::getpid()) + "_" +
           testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
  }
  v1::UploadHeader Header(int year = 2016) {
    v1::UploadHeader h;
    h.set_la("301");
    h.set_collection_year(year);
    h.set_file_name("list1.csv");
    return h;
  }
  std::vector<v1::Record> Records(Ingestor& ing) {
    std::vector<v1::Record> out;
    EXPECT_TRUE(ing.store().ScanRecords("301", {}, [&](const v1::Record& r) {
      out.push_back(r);
      return true;
    }).ok());
    return out;
  }
  std::string dir_;
};

TEST_F(IngestorTest, ScansTheReturnsAskedFor) {
  // Metrics asks for the returns that changed alone; an empty list means every return.
  auto ing = Ingestor::Open(dir_);
  ASSERT_TRUE(ing.ok()) << ing.status();
  ASSERT_TRUE((*ing)->IngestFile(Header(2015), WriteTemp("list1.csv", kList1)).ok());
  ASSERT_TRUE((*ing)->IngestFile(Header(2016), WriteTemp("list1.csv", kList1)).ok());
  auto ids = [&](const std::vector<std::string>& only) {
    std::vector<std::string> out;
    EXPECT_TRUE((*ing)->store().ScanRecords("301", {}, only, [&](const v1::Record& r) {
      out.push_back(r.return_id());
      return true;
    }).ok());
    return out;
  };
  EXPECT_EQ(ids({"301/2016/annex-a-list-1"}),
            (std::vector<std::string>{"301/2016/annex-a-list-1", "301/2016/annex-a-list-1"}));
  EXPECT_EQ(ids({"301/2015/annex-a-list-1"}),
            (std::vector<std::string>{"301/2015/annex-a-list-1", "301/2015/annex-a-list-1"}));
  EXPECT_EQ(ids({}).size(), 4u);
  EXPECT_TRUE(ids({"301/2014/annex-a-list-1"}).empty());  // no such return: nothing
}

TEST_F(IngestorTest, StoresPseudonymisedRecordsOnce) {
  auto ing = Ingestor::Open(dir_);
  ASSERT_TRUE(ing.ok()) << ing.status();
  auto r = (*ing)->IngestFile(Header(), WriteTemp("list1.csv", kList1));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->outcome(), v1::STORED);
  EXPECT_EQ(r->return_id(), "301/2016/annex-a-list-1");
  EXPECT_EQ(r->records_stored(), 2);
  auto recs = Records(**ing);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].return_id(), "301/2016/annex-a-list-1");
  EXPECT_EQ(recs[0].contact().child_id().size(), 32u);
  EXPECT_NE(recs[0].contact().child_id(), "C1");
  EXPECT_NE(recs[0].contact().child_id(), recs[1].contact().child_id());
  auto returns = (*ing)->store().ListReturns("301");
  ASSERT_TRUE(returns.ok());
  ASSERT_EQ(returns->size(), 1u);
  EXPECT_EQ((*returns)[0].record_counts().at("contact"), 2);
  EXPECT_EQ((*returns)[0].children(), 2);
  EXPECT_EQ((*returns)[0].content_sha256().size(), 64u);
}

TEST_F(IngestorTest, IdenticalBytesAreANoOpAndNewBytesReplace) {
  auto ing = Ingestor::Open(dir_);
  ASSERT_TRUE(ing.ok());
  ASSERT_TRUE((*ing)->IngestFile(Header(), WriteTemp("a.csv", kList1)).ok());
  auto again = (*ing)->IngestFile(Header(), WriteTemp("b.csv", kList1));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome(), v1::UNCHANGED);
  EXPECT_EQ(Records(**ing).size(), 2u);
  std::string three = std::string(kList1) + "C3,a) Male,a) WBRI,01/02/2010,5,02/04/2016,q) 6: Police\n";
  auto replaced = (*ing)->IngestFile(Header(), WriteTemp("c.csv", three));
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->outcome(), v1::REPLACED);
  EXPECT_EQ(Records(**ing).size(), 3u);  // the old two are gone, not added to
}

TEST_F(IngestorTest, UnreadableFileStoresNothingAndKeepsTheOldReturn) {
  auto ing = Ingestor::Open(dir_);
  ASSERT_TRUE(ing.ok());
  ASSERT_TRUE((*ing)->IngestFile(Header(), WriteTemp("a.csv", kList1)).ok());
  std::string bad = std::string(kList1) + "C9,a) Male,a) WBRI,01/02/2010,5,99/99/2016,q) 6: Police\n";
  auto r = (*ing)->IngestFile(Header(), WriteTemp("bad.csv", bad));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("list1.csv"), std::string::npos) << r.status();
  EXPECT_NE(r.status().message().find("line 4"), std::string::npos) << r.status();
  EXPECT_NE(r.status().message().find("Date of Contact"), std::string::npos) << r.status();
  EXPECT_EQ(Records(**ing).size(), 2u);
  auto returns = (*ing)->store().ListReturns("");
  ASSERT_EQ(returns->size(), 1u);

  auto junk = (*ing)->IngestFile(Header(2015), WriteTemp("junk.bin", std::string("\x01\x00\x02", 3)));
  ASSERT_FALSE(junk.ok());
  EXPECT_NE(junk.status().message().find("binary"), std::string::npos);
  EXPECT_EQ((*ing)->store().ListReturns("")->size(), 1u);
}

// A refused upload is remembered with its reason (so the reports can say the return was
// sent and refused, not only missing) until the return is next stored.
TEST_F(IngestorTest, ARefusedUploadIsKeptUntilTheReturnIsStored) {
  auto ing = Ingestor::Open(dir_);
  ASSERT_TRUE(ing.ok());
  std::string bad = std::string(kList1) + "C9,a) Male,a) WBRI,01/02/2010,5,99/99/2016,q) 6: Police\n";
  ASSERT_FALSE((*ing)->IngestFile(Header(), WriteTemp("bad.csv", bad)).ok());
  auto rejected = (*ing)->store().ListRejections("301");
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  ASSERT_EQ(rejected->size(), 1u);
  const v1::RejectedReturn& r = (*rejected)[0];
  EXPECT_EQ(r.return_id(), "301/2016/annex-a-list-1");
  EXPECT_EQ(r.dataset(), "annex-a-list-1");
  EXPECT_EQ(r.collection_year(), 2016);
  EXPECT_EQ(r.file_name(), "list1.csv");
  EXPECT_EQ(r.content_sha256().size(), 64u);
  EXPECT_GT(r.rejected_unix_ms(), 0);
  EXPECT_NE(r.reason().find("line 4"), std::string::npos) << r.reason();
  EXPECT_NE(r.reason().find("Date of Contact"), std::string::npos) << r.reason();
  EXPECT_EQ(r.reason().find("C9"), std::string::npos) << r.reason();  // no child in it
  EXPECT_TRUE((*ing)->store().ListRejections("302")->empty());
  // A file of no known return is not a return's refusal.
  ASSERT_FALSE((*ing)->IngestFile(Header(2015), WriteTemp("junk.bin", std::string("\x01\x00\x02", 3))).ok());
  EXPECT_EQ((*ing)->store().ListRejections("")->size(), 1u);
  // Stored since: no longer rejected.
  ASSERT_TRUE((*ing)->IngestFile(Header(), WriteTemp("good.csv", kList1)).ok());
  EXPECT_TRUE((*ing)->store().ListRejections("301")->empty());
}

TEST_F(IngestorTest, StagedRecordsOfACrashedUploadAreDroppedOnOpen) {
  {
    auto store = IngestionStore::Open(dir_ + "/store");
    ASSERT_TRUE(store.ok());
    auto gen = (*store)->BeginStaging("301", 2016, "annex-a-list-1");
    ASSERT_TRUE(gen.ok());
    v1::Record r;
    r.mutable_contact()->set_child_id("x");
    ASSERT_TRUE((*store)->Stage("301", 2016, "annex-a-list-1", *gen, 0, r).ok());
    ASSERT_TRUE((*store)->FlushStaged().ok());
    // No commit: as if the process died here.
  }
  auto store = IngestionStore::Open(dir_ + "/store");
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE((*store)->ListReturns("")->empty());
  int n = 0;
  // Even a scan that ignored return pointers would find nothing left.
  ASSERT_TRUE((*store)->ScanRecords("301", {}, [&](const v1::Record&) { return ++n, true; }).ok());
  EXPECT_EQ(n, 0);
}

TEST_F(IngestorTest, IssuesAreStoredWithPseudonymsNotIds) {
  auto ing = Ingestor::Open(dir_);
  ASSERT_TRUE(ing.ok());
  std::string q = std::string(kList1) + "C4,a) Male,a) WBRI,not a date,5,02/04/2016,q) 6: Police\n";
  auto r = (*ing)->IngestFile(Header(), WriteTemp("q.csv", q));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->queries(), 1);
  auto issues = (*ing)->store().GetIssues("301/2016/annex-a-list-1");
  ASSERT_TRUE(issues.ok());
  ASSERT_EQ(issues->size(), 1u);
  EXPECT_EQ((*issues)[0].line(), 4);
  EXPECT_EQ((*issues)[0].field(), "Date of Birth");
  EXPECT_NE((*issues)[0].child(), "C4");
  EXPECT_EQ((*issues)[0].message().find("C4"), std::string::npos);
  EXPECT_FALSE((*ing)->store().GetIssues("nonsense").ok());
  // The stored return counts its issues by rule, with the rule's message and no child.
  auto info = (*ing)->store().GetReturn("301", 2016, "annex-a-list-1");
  ASSERT_TRUE(info.ok() && info->has_value());
  ASSERT_EQ((*info)->rule_tallies_size(), 1);
  const v1::RuleTally& t = (*info)->rule_tallies(0);
  EXPECT_EQ(t.rule(), (*issues)[0].rule());
  EXPECT_EQ(t.severity(), "query");
  EXPECT_EQ(t.count(), 1);
  EXPECT_EQ(t.message(), (*issues)[0].message());
  EXPECT_EQ(t.DebugString().find("C4"), std::string::npos);
}

// More issues than ingestion keeps to store (kMaxIssues): the stored issues stop at the
// cap, the return's per-rule tallies and totals count every one.
TEST_F(IngestorTest, RuleTalliesCountEveryIssuePastTheStoredCap) {
  auto ing = Ingestor::Open(dir_);
  ASSERT_TRUE(ing.ok());
  const int64_t n = static_cast<int64_t>(kMaxIssues) + 25;
  std::string q = "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\n";
  q.reserve(static_cast<size_t>(n) * 70);
  for (int64_t i = 0; i < n; ++i) {
    q += "C" + std::to_string(i) + ",a) Male,a) WBRI,not a date,5,02/04/2016,q) 6: Police\n";
  }
  auto r = (*ing)->IngestFile(Header(), WriteTemp("many.csv", q));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->queries(), n);
  auto issues = (*ing)->store().GetIssues("301/2016/annex-a-list-1");
  ASSERT_TRUE(issues.ok());
  EXPECT_EQ(issues->size(), kMaxIssues);
  auto info = (*ing)->store().GetReturn("301", 2016, "annex-a-list-1");
  ASSERT_TRUE(info.ok() && info->has_value());
  EXPECT_EQ((*info)->queries(), n);
  ASSERT_EQ((*info)->rule_tallies_size(), 1);
  EXPECT_EQ((*info)->rule_tallies(0).count(), n);
  EXPECT_EQ((*info)->rule_tallies(0).message(), (*issues)[0].message()) << "the stored message, with no child";
}

}  // namespace
}  // namespace carestat

namespace carestat {
namespace {

TEST(SetChildIdTest, EveryRecordKindWithAChildGetsThePseudonym) {
  const auto* oneof = v1::Record::descriptor()->FindOneofByName("kind");
  int kinds_with_child = 0;
  for (int i = 0; i < oneof->field_count(); ++i) {
    const auto* field = oneof->field(i);
    v1::Record r;
    google::protobuf::Message* m = r.GetReflection()->MutableMessage(&r, field);
    const auto* id = m->GetDescriptor()->FindFieldByName("child_id");
    SetChildId(&r, "pseudonym");
    if (!id) continue;  // a local measure describes no child
    ++kinds_with_child;
    EXPECT_EQ(m->GetReflection()->GetString(*m, id), "pseudonym") << field->name();
  }
  EXPECT_GE(kinds_with_child, 10);
}

}  // namespace
}  // namespace carestat

namespace carestat {
namespace {

TEST(IngestorKeyTest, AMissingKeyBesideStoredReturnsIsRefused) {
  std::string dir = testing::TempDir() + "/ingestor_key_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  {
    auto ing = Ingestor::Open(dir);
    ASSERT_TRUE(ing.ok());
    v1::UploadHeader h;
    h.set_la("301");
    h.set_collection_year(2016);
    ASSERT_TRUE((*ing)->IngestFile(h, WriteTemp("k.csv", kList1)).ok());
  }
  std::filesystem::remove(dir + "/hmac.key");
  auto reopened = Ingestor::Open(dir);
  ASSERT_FALSE(reopened.ok());
  EXPECT_NE(reopened.status().message().find("restore the key"), std::string::npos) << reopened.status();
}

}  // namespace
}  // namespace carestat
