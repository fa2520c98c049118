// carestat-metrics: the metrics server.
#include <cstdio>

#include "services/common/args.h"
#include "services/common/log.h"
#include "services/common/server.h"
#include "services/metrics/service.h"

int main(int argc, char** argv) {
  carestat::BlockStopSignals();
  carestat::SetLogComponent("metrics");
  carestat::Args args(argc, argv, {"help"});
  if (args.Has("help")) {
    std::printf("usage: carestat-metrics --listen HOST:PORT --data DIR --ingestion HOST:PORT\n"
                "Computes indicator series from the records of the ingestion service and serves\n"
                "them. Port 0 picks a free port, printed on the first line.\n");
    return 0;
  }
  if (auto p = args.Problem({"listen", "data", "ingestion", "help"})) {
    std::fprintf(stderr, "carestat-metrics: %s (see --help)\n", p->c_str());
    return 2;
  }
  if (!args.Has("data")) {
    std::fprintf(stderr, "carestat-metrics: --data DIR is required\n");
    return 2;
  }
  auto engine = carestat::MetricsEngine::Open(args.Get("data"));
  if (!engine.ok()) {
    CS_LOG(ERROR) << engine.status().message();
    return 2;
  }
  std::shared_ptr<grpc::Channel> ingestion;
  if (args.Has("ingestion")) ingestion = carestat::DialInsecure(args.Get("ingestion"));
  carestat::MetricsService service(engine->get(), ingestion);
  return carestat::ServeUntilSignal(args.Get("listen", "127.0.0.1:7402"), {&service}, "carestat-metrics");
}
