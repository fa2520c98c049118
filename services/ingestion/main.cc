// carestat-ingestion: the ingestion server.
#include <sys/stat.h>

#include <cstdio>
#include <set>
#include <string>

#include "absl/flags/flag.h"
#include "services/common/flags.h"
#include "services/common/log.h"
#include "services/common/rocks.h"
#include "services/common/security.h"
#include "services/common/server.h"
#include "services/common/version.h"
#include "services/ingestion/service.h"

// Its own flags (flags.h: typed, parsed by Abseil under their dashed names).
ABSL_FLAG(std::string, listen, "127.0.0.1:7401", "HOST:PORT to serve on");
ABSL_FLAG(std::optional<std::string>, data, std::nullopt, "DIR: the store, its key and ledger");
ABSL_FLAG(bool, init, false, "create the store when DIR holds none");
ABSL_FLAG(bool, accept_loss, false, "start on what survives of a damaged store");

int main(int argc, char** argv) {
  // Everything this server writes (store, spool, key, ledger) is child-level data:
  // owner only, whatever umask it was started under.
  ::umask(077);
  carestat::BlockStopSignals();
  carestat::SetLogComponent("ingestion");
  std::set<std::string> known = {"listen", "data", "accept-loss", "init"};
  known.insert(carestat::ServerFlagNames().begin(), carestat::ServerFlagNames().end());
  const carestat::ServerCommandLine line = carestat::ParseServerFlags(argc, argv, known);
  if (line.version) {
    std::printf("carestat-ingestion %s\n", carestat::kVersion);
    return 0;
  }
  if (line.help) {
    std::printf("usage: carestat-ingestion --listen HOST:PORT --data DIR\n"
                "                          (--tls-cert FILE --tls-key FILE [--tls-client-ca FILE] | --plaintext)\n"
                "                          [--tokens FILE] [--audit-log FILE] [limits] [--accept-loss] [--init]\n"
                "       carestat-ingestion --version\n"
                "Receives returns (CIN census XML, Annex A CSV), validates, pseudonymises and\n"
                "stores them in DIR (which must be the owner's alone: chmod 700). Port 0 picks a\n"
                "free port, printed on the first line.\n\n"
                "DIR must hold a store: a DIR that does not exist or holds none is refused (exit 2),\n"
                "so that a mistyped path never starts an empty store with a new pseudonymisation key.\n"
                "--init creates the store and its key when DIR holds none (carestat init\n"
                "--ingestion-data DIR does the same without serving).\n\n"
                "Every stored return is recorded in DIR/ledger.jsonl before it is acknowledged. A\n"
                "store that holds less than the ledger acknowledged (a damaged write-ahead log, an\n"
                "old backup) or a hmac.key that is not the store's is refused (exit 2) with what to\n"
                "do. --accept-loss starts anyway on what survives, recording and logging each lost\n"
                "return; send those files again (carestat verify --data DIR lists them).\n"
                "Health is NOT_SERVING while writes fail (a full disk) and SERVING again once they work.\n\n%s"
                "%sSee docs/SECURITY.md for running it in production.\n",
                carestat::ServerSecurityHelp().c_str(), carestat::ServeHelp().c_str());
    return 0;
  }
  if (!line.problem.ok()) {
    std::fprintf(stderr, "carestat-ingestion: %s (see --help)\n", std::string(line.problem.message()).c_str());
    return 2;
  }
  if (auto s = carestat::ApplyLogFormatFlag(); !s.ok()) {
    std::fprintf(stderr, "carestat-ingestion: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  // First, so that every log of a run says which build wrote it.
  CS_LOG(INFO) << "carestat-ingestion " << carestat::kVersion << " starting";
  if (!absl::GetFlag(FLAGS_data)) {
    std::fprintf(stderr, "carestat-ingestion: --data DIR is required\n");
    return 2;
  }
  const std::string data = *absl::GetFlag(FLAGS_data);
  const std::string listen = absl::GetFlag(FLAGS_listen);
  auto security = carestat::ServerSecurityFromFlags();
  if (!security.ok()) {
    std::fprintf(stderr, "carestat-ingestion: %s\n", std::string(security.status().message()).c_str());
    return 2;
  }
  // Refuse an unsafe listen address before opening the store.
  if (auto s = carestat::CheckListenSecurity(listen, *security, nullptr); !s.ok()) {
    std::fprintf(stderr, "carestat-ingestion: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  if (!absl::GetFlag(FLAGS_init)) {
    if (auto s = carestat::RequireStore(data, data + "/store",
                                        "start once with --init (or run carestat init --ingestion-data " + data + ")");
        !s.ok()) {
      CS_LOG(ERROR) << s.message();
      return 2;
    }
  } else if (!carestat::HoldsStore(data + "/store")) {
    CS_LOG(INFO) << "--init: creating a new store and pseudonymisation key in " << data;
  }
  carestat::IngestorOptions options;
  options.accept_loss = absl::GetFlag(FLAGS_accept_loss);
  auto ingestor = carestat::Ingestor::Open(data, options);
  if (!ingestor.ok()) {
    CS_LOG(ERROR) << ingestor.status().message();
    return 2;
  }
  carestat::IngestionService service(ingestor->get());
  carestat::Ingestor* ing = ingestor->get();
  const carestat::ServeHooks hooks = carestat::ServeHooksFromFlags();
  if (!hooks.metrics_listen.empty()) {
    carestat::DescribeIngestionTelemetry();
    carestat::ExportStoreTelemetry(ing->store().rocks(), "ingestion");
  }
  return carestat::ServeUntilSignal(listen, {&service}, "carestat-ingestion", *security,
                                    [ing] { return ing->CheckWritable(); },
                                    {carestat::v1::Ingestion::service_full_name()}, hooks);
}
