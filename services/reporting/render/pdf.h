// File: pdf.h
// A report's HTML printed to PDF by headless Chromium, on the machine that writes the
// file. The reporting server does not print: it renders the self-contained HTML (its
// print stylesheet lays the page out for A4 with page numbers), and `carestat report
// --format pdf` asks it for that HTML and prints it here. A browser is a large, slow
// process to keep beside a server that answers many requests; printing where out/ is
// written needs Chromium only on that machine, and gives the same pages.
//   auto pdf = HtmlToPdf(html);            // "%PDF-1.4 ..." or an error naming what to do
//   auto pdf = HtmlToPdf(html, {.chromium = "/opt/chromium/chrome", .timeout = absl::Seconds(60)});
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace carestat {

struct PdfOptions {
  // The browser to run. Empty: $CARESTAT_CHROMIUM when set, else the first of chromium,
  // chromium-browser and google-chrome on PATH.
  std::string chromium;
  // Chromium (and every process it started) is killed after this long.
  absl::Duration timeout = absl::Seconds(120);
};

// The browser HtmlToPdf would run, or FAILED_PRECONDITION saying what to install:
// "PDF needs Chromium: apt-get install chromium; or use --format docx (...)".
absl::StatusOr<std::string> FindChromium(const std::string& configured = "");

// Prints `html` (a self-contained page: nothing is fetched) to PDF and returns the PDF's
// bytes. Works in a private temporary directory (page, profile, output), removed after.
// Errors: FAILED_PRECONDITION when there is no Chromium, DEADLINE_EXCEEDED when it did
// not finish within the timeout (it is killed), INTERNAL when it failed or wrote no PDF,
// with the end of what Chromium printed.
absl::StatusOr<std::string> HtmlToPdf(const std::string& html, const PdfOptions& options = {});

}  // namespace carestat
