#include "services/ingestion/pseudonymise.h"

#include <fcntl.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "services/common/rocks.h"

namespace carestat {

absl::StatusOr<std::unique_ptr<Pseudonymiser>> Pseudonymiser::LoadOrCreate(const std::string& path) {
  constexpr size_t kKeyBytes = 32;
  (void)CreatePrivateDir(std::filesystem::path(path).parent_path().string());
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    unsigned char key[kKeyBytes];
    if (RAND_bytes(key, sizeof key) != 1) return absl::InternalError("RAND_bytes failed: no key made");
    int out = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) {
      return absl::InternalError(absl::StrCat("cannot create key file ", path, ": ", std::strerror(errno)));
    }
    bool ok = ::write(out, key, sizeof key) == static_cast<ssize_t>(sizeof key) && ::fsync(out) == 0;
    ::close(out);
    if (!ok) return absl::InternalError(absl::StrCat("cannot write key file ", path));
    return std::make_unique<Pseudonymiser>(std::string(reinterpret_cast<char*>(key), sizeof key));
  }
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("cannot open key file ", path, ": ", std::strerror(errno)));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
    ::close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat("key file ", path, " is readable by others: chmod 600 it"));
  }
  std::string key(kKeyBytes + 1, '\0');
  ssize_t n = ::read(fd, key.data(), key.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(kKeyBytes)) {
    return absl::FailedPreconditionError(
        absl::StrCat("key file ", path, " holds ", n, " bytes, expected ", kKeyBytes));
  }
  key.resize(kKeyBytes);
  return std::make_unique<Pseudonymiser>(std::move(key));
}

std::string Pseudonymiser::Pseudonym(const std::string& la, const std::string& raw_id) const {
  std::string msg = la;
  msg.push_back('\0');
  msg += raw_id;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &len);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < 16 && i < len; ++i) {
    out.push_back(kHex[mac[i] >> 4]);
    out.push_back(kHex[mac[i] & 15]);
  }
  return out;
}

std::string Pseudonymiser::Fingerprint() const {
  static const char kLabel[] = "carestat hmac.key fingerprint v1";
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(kLabel),
       sizeof kLabel - 1, mac, &len);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[mac[i] >> 4]);
    out.push_back(kHex[mac[i] & 15]);
  }
  return out;
}

}  // namespace carestat
