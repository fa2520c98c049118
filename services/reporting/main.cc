// carestat-reporting: the reporting server.
#include <cstdio>

#include "services/common/args.h"
#include "services/common/log.h"
#include "services/common/server.h"
#include "services/reporting/service.h"

int main(int argc, char** argv) {
  carestat::BlockStopSignals();
  carestat::SetLogComponent("reporting");
  carestat::Args args(argc, argv, {"help"});
  if (args.Has("help")) {
    std::printf("usage: carestat-reporting --listen HOST:PORT --metrics HOST:PORT [--data DIR]\n"
                "Builds and renders reports from the metrics service's series. Port 0 picks a\n"
                "free port, printed on the first line.\n");
    return 0;
  }
  if (auto p = args.Problem({"listen", "data", "metrics", "help"})) {
    std::fprintf(stderr, "carestat-reporting: %s (see --help)\n", p->c_str());
    return 2;
  }
  if (!args.Has("metrics")) {
    std::fprintf(stderr, "carestat-reporting: --metrics HOST:PORT is required\n");
    return 2;
  }
  carestat::ReportingService service(carestat::DialInsecure(args.Get("metrics")));
  return carestat::ServeUntilSignal(args.Get("listen", "127.0.0.1:7403"), {&service}, "carestat-reporting");
}
