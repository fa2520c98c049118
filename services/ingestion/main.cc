// carestat-ingestion: the ingestion server.
#include <cstdio>

#include "services/common/args.h"
#include "services/common/log.h"
#include "services/common/server.h"
#include "services/ingestion/service.h"

int main(int argc, char** argv) {
  carestat::BlockStopSignals();
  carestat::SetLogComponent("ingestion");
  carestat::Args args(argc, argv, {"help"});
  if (args.Has("help")) {
    std::printf("usage: carestat-ingestion --listen HOST:PORT --data DIR\n"
                "Receives returns (CIN census XML, Annex A CSV), validates, pseudonymises and\n"
                "stores them in DIR. Port 0 picks a free port, printed on the first line.\n");
    return 0;
  }
  if (auto p = args.Problem({"listen", "data", "help"})) {
    std::fprintf(stderr, "carestat-ingestion: %s (see --help)\n", p->c_str());
    return 2;
  }
  if (!args.Has("data")) {
    std::fprintf(stderr, "carestat-ingestion: --data DIR is required\n");
    return 2;
  }
  auto ingestor = carestat::Ingestor::Open(args.Get("data"));
  if (!ingestor.ok()) {
    CS_LOG(ERROR) << ingestor.status().message();
    return 2;
  }
  carestat::IngestionService service(ingestor->get());
  return carestat::ServeUntilSignal(args.Get("listen", "127.0.0.1:7401"), {&service},
                                    "carestat-ingestion");
}
