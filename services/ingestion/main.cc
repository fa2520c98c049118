// carestat-ingestion: the ingestion server.
#include <cstdio>
#include <set>
#include <string>

#include "services/common/args.h"
#include "services/common/log.h"
#include "services/common/security.h"
#include "services/common/server.h"
#include "services/ingestion/service.h"

int main(int argc, char** argv) {
  carestat::BlockStopSignals();
  carestat::SetLogComponent("ingestion");
  carestat::Args args(argc, argv, {"help", "plaintext"});
  if (args.Has("help")) {
    std::printf("usage: carestat-ingestion --listen HOST:PORT --data DIR\n"
                "                          (--tls-cert FILE --tls-key FILE [--tls-client-ca FILE] | --plaintext)\n"
                "                          [--tokens FILE] [--audit-log FILE] [limits]\n"
                "Receives returns (CIN census XML, Annex A CSV), validates, pseudonymises and\n"
                "stores them in DIR. Port 0 picks a free port, printed on the first line.\n\n%s"
                "See docs/SECURITY.md for running it in production.\n",
                carestat::ServerSecurityHelp().c_str());
    return 0;
  }
  std::set<std::string> known = {"listen", "data", "help"};
  known.insert(carestat::ServerSecurityFlags().begin(), carestat::ServerSecurityFlags().end());
  if (auto p = args.Problem(known)) {
    std::fprintf(stderr, "carestat-ingestion: %s (see --help)\n", p->c_str());
    return 2;
  }
  if (!args.Has("data")) {
    std::fprintf(stderr, "carestat-ingestion: --data DIR is required\n");
    return 2;
  }
  const std::string listen = args.Get("listen", "127.0.0.1:7401");
  auto security = carestat::ServerSecurityFromArgs(args);
  if (!security.ok()) {
    std::fprintf(stderr, "carestat-ingestion: %s\n", std::string(security.status().message()).c_str());
    return 2;
  }
  // Refuse an unsafe listen address before opening the store.
  if (auto s = carestat::CheckListenSecurity(listen, *security, nullptr); !s.ok()) {
    std::fprintf(stderr, "carestat-ingestion: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  auto ingestor = carestat::Ingestor::Open(args.Get("data"));
  if (!ingestor.ok()) {
    CS_LOG(ERROR) << ingestor.status().message();
    return 2;
  }
  carestat::IngestionService service(ingestor->get());
  return carestat::ServeUntilSignal(listen, {&service}, "carestat-ingestion", *security);
}
