// kill -9 of the ingestion server while it stores a large return: after a restart the
// return is wholly there or wholly absent, never a mix of two versions, the next pipeline
// run completes it, and every figure equals that of an undisturbed run.
#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "bench/gen.h"
#include "carestat/v1/ingestion.grpc.pb.h"
#include "carestat/v1/metrics.grpc.pb.h"
#include "services/ingestion/ingestor.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace fs = std::filesystem;
namespace {

std::unique_ptr<ServerProcess> Server(const std::string& name, std::vector<std::string> extra,
                                      const std::string& listen = "127.0.0.1:0") {
  std::vector<std::string> argv = {BinDir() + "/services/" + name + "/carestat-" + name, "--listen", listen, "--init"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return std::make_unique<ServerProcess>(argv);
}

std::unique_ptr<v1::Ingestion::Stub> Stub(const std::string& address) {
  return v1::Ingestion::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}

// Streams the file as `carestat pipeline` does: header, then 1 MiB chunks.
grpc::Status Upload(const std::string& address, const std::string& path) {
  auto stub = Stub(address);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  v1::UploadResponse resp;
  auto writer = stub->Upload(&ctx, &resp);
  v1::UploadRequest req;
  req.mutable_header()->set_la("301");
  req.mutable_header()->set_collection_year(2016);
  req.mutable_header()->set_file_name(fs::path(path).filename().string());
  if (!writer->Write(req)) return writer->Finish();
  std::ifstream in(path, std::ios::binary);
  std::string buf(1 << 20, '\0');
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    v1::UploadRequest chunk;
    chunk.set_chunk(buf.data(), static_cast<size_t>(in.gcount()));
    if (in.gcount() > 0 && !writer->Write(chunk)) break;
  }
  writer->WritesDone();
  return writer->Finish();
}

struct Held {
  std::vector<v1::ReturnInfo> returns;
  int64_t records = 0;                 // records StreamRecords gives for LA 301
  std::set<std::string> record_keys;   // to see a record given twice
  int64_t duplicates = 0;
};

Held WhatIsHeld(const std::string& address) {
  Held h;
  auto stub = Stub(address);
  {
    grpc::ClientContext ctx;
    v1::ListReturnsRequest req;
    v1::ListReturnsResponse resp;
    EXPECT_TRUE(stub->ListReturns(&ctx, req, &resp).ok());
    h.returns.assign(resp.returns().begin(), resp.returns().end());
  }
  grpc::ClientContext ctx;
  v1::StreamRecordsRequest req;
  req.set_la("301");
  auto reader = stub->StreamRecords(&ctx, req);
  v1::RecordBatch batch;
  while (reader->Read(&batch)) {
    for (const auto& r : batch.records()) {
      ++h.records;
      if (!h.record_keys.insert(r.SerializeAsString()).second) ++h.duplicates;
    }
  }
  EXPECT_TRUE(reader->Finish().ok());
  return h;
}

int64_t Sum(const v1::ReturnInfo& r) {
  int64_t n = 0;
  for (const auto& [k, v] : r.record_counts()) n += v;
  return n;
}

TEST(IngestionCrashTest, KillNineWhileStoringLeavesTheOldOrTheNewReturnAndTheNextRunCompletesIt) {
  const std::string dir = MakeTempDir("crash");
  // A large CIN census (about 45 MB, 40,000 children): storing it takes about a second.
  const std::string big = dir + "/files/cin-census.xml";
  fs::create_directories(dir + "/files");
  bench::GenOptions g;
  g.children = 40000;
  auto gen = bench::WriteCinCensus(big, g);
  ASSERT_TRUE(gen.ok()) << gen.status();

  // Undisturbed: how long the store takes and what it holds.
  auto clean = Server("ingestion", {"--data", dir + "/clean"});
  ASSERT_TRUE(clean->Start());
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(Upload(clean->address(), big).ok());
  const auto store_time = std::chrono::steady_clock::now() - t0;
  const Held expected = WhatIsHeld(clean->address());
  ASSERT_EQ(expected.returns.size(), 1u);
  ASSERT_GT(expected.records, 100000) << "the generator's 40,000 children";
  ASSERT_EQ(expected.duplicates, 0);
  const int64_t counted = Sum(expected.returns[0]);

  // Versions of the same return: the same records, different bytes (a trailing comment),
  // so each upload is a real replacement, not a no-op.
  std::string content;
  {
    std::ifstream in(big, std::ios::binary);
    content.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto version = [&](int i) {
    std::string path = dir + "/files/v" + std::to_string(i) + "/cin-census.xml";
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << content << "\n<!-- version " << i << " -->\n";
    int64_t bytes = 0;
    return std::make_pair(path, *Sha256File(path, &bytes));
  };

  const std::string data = dir + "/ing";
  auto ing = Server("ingestion", {"--data", data});
  ASSERT_TRUE(ing->Start());
  std::set<std::string> whole;  // versions that some upload completed
  std::string last_path, last_sha;
  int killed_mid_upload = 0;
  // Kill at points across the store: first into the empty store, then, once a version is
  // held, into its replacement early, midway and late.
  const double fractions[] = {0.5, 0.3, 0.6, 0.9};
  for (int i = 0; i < 4; ++i) {
    if (i == 1) {
      auto [held_path, held_sha] = version(100);
      ASSERT_TRUE(Upload(ing->address(), held_path).ok());
      whole.insert(held_sha);
    }
    auto [path, sha] = version(i);
    last_path = path;
    last_sha = sha;
    grpc::Status st;
    std::thread up([&, path = path] { st = Upload(ing->address(), path); });
    std::this_thread::sleep_for(std::chrono::duration_cast<std::chrono::milliseconds>(store_time * fractions[i]));
    ing->Kill();
    up.join();
    if (st.ok()) whole.insert(sha);
    else ++killed_mid_upload;

    ing = Server("ingestion", {"--data", data});
    ASSERT_TRUE(ing->Start()) << "restart after kill " << i;
    Held h = WhatIsHeld(ing->address());
    SCOPED_TRACE("kill " + std::to_string(i) + " at " + std::to_string(fractions[i]) + " of the store time");
    EXPECT_EQ(h.duplicates, 0);
    if (h.returns.empty()) {
      EXPECT_TRUE(whole.empty()) << "a completed upload was lost";
      EXPECT_EQ(h.records, 0) << "records without a return";
    } else {
      ASSERT_EQ(h.returns.size(), 1u);
      const auto& r = h.returns[0];
      // Wholly one version: one that completed, or the one being stored when killed.
      EXPECT_TRUE(whole.count(r.content_sha256()) || r.content_sha256() == sha) << r.content_sha256();
      EXPECT_EQ(Sum(r), counted);
      EXPECT_EQ(h.records, expected.records) << "records of two generations, or part of one";
      whole.insert(r.content_sha256());
    }
    std::printf("kill %d at %.0f%% of the store time: upload %s; after restart the return is %s\n", i,
                fractions[i] * 100, st.ok() ? "had finished" : "cut off",
                h.returns.empty() ? "absent" : h.returns[0].content_sha256() == sha ? "this version, whole"
                                                                                      : "the previous version, whole");
  }
  EXPECT_GT(killed_mid_upload, 0) << "no kill landed before the store finished: the file is too small";

  // The next pipeline run completes the last version (the inbox holds it).
  auto met = Server("metrics", {"--data", dir + "/met", "--ingestion", ing->address()});
  ASSERT_TRUE(met->Start());
  auto rep = Server("reporting", {"--metrics", met->address()});
  ASSERT_TRUE(rep->Start());
  fs::create_directories(dir + "/inbox/301/2016");
  fs::copy_file(last_path, dir + "/inbox/301/2016/cin-census.xml");
  auto run = RunCommand({BinDir() + "/pipeline/carestat", "pipeline", "--inbox", dir + "/inbox", "--out",
                         dir + "/out", "--ingestion", ing->address(), "--metrics", met->address(),
                         "--reporting", rep->address(), "--settle", "0"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  Held after = WhatIsHeld(ing->address());
  ASSERT_EQ(after.returns.size(), 1u);
  EXPECT_EQ(after.returns[0].content_sha256(), last_sha);
  EXPECT_EQ(after.records, expected.records);
  EXPECT_EQ(after.duplicates, 0);

  // Every figure equals that of the undisturbed store.
  auto clean_met = Server("metrics", {"--data", dir + "/clean-met", "--ingestion", clean->address()});
  ASSERT_TRUE(clean_met->Start());
  auto recompute = [](const std::string& address) {
    auto stub = v1::Metrics::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    v1::RecomputeRequest req;
    req.set_la("301");
    v1::RecomputeResponse resp;
    return stub->Recompute(&ctx, req, &resp);
  };
  ASSERT_TRUE(recompute(clean_met->address()).ok());
  auto figures = [&](const std::string& address) {
    return RunCommand({BinDir() + "/pipeline/carestat", "indicators", "--la", "301", "--period", "2015-16",
                       "--json", "--target", address});
  };
  auto want = figures(clean_met->address());
  auto got = figures(met->address());
  ASSERT_EQ(want.exit_code, 0) << want.err;
  EXPECT_NE(want.out.find("\"cin_open_year_end\""), std::string::npos) << want.out.substr(0, 400);
  EXPECT_EQ(got.out, want.out);
}

}  // namespace
}  // namespace carestat
