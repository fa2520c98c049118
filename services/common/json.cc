#include "services/common/json.h"

#include <cmath>
#include <memory>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/type_resolver.h>
#include <google/protobuf/util/type_resolver_util.h>

#include "absl/strings/str_cat.h"

namespace carestat {

absl::Status MessageJson(const google::protobuf::Message& message, const google::protobuf::util::JsonPrintOptions& options,
                         std::string* out) {
  constexpr const char* kTypeUrlPrefix = "type.googleapis.com";
  std::string binary;
  {
    google::protobuf::io::StringOutputStream stream(&binary);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!message.SerializeToCodedStream(&coded)) {
      return absl::InternalError(absl::StrCat("cannot serialise ", message.GetDescriptor()->full_name()));
    }
  }
  const google::protobuf::DescriptorPool* pool = message.GetDescriptor()->file()->pool();
  // One resolver for the generated messages, for the life of the process (it caches types).
  static google::protobuf::util::TypeResolver* const generated =
      google::protobuf::util::NewTypeResolverForDescriptorPool(kTypeUrlPrefix,
                                                               google::protobuf::DescriptorPool::generated_pool());
  std::unique_ptr<google::protobuf::util::TypeResolver> other;
  google::protobuf::util::TypeResolver* resolver = generated;
  if (pool != google::protobuf::DescriptorPool::generated_pool()) {
    other.reset(google::protobuf::util::NewTypeResolverForDescriptorPool(kTypeUrlPrefix, pool));
    resolver = other.get();
  }
  out->clear();
  auto s = google::protobuf::util::BinaryToJsonString(
      resolver, absl::StrCat(kTypeUrlPrefix, "/", message.GetDescriptor()->full_name()), binary, out, options);
  if (!s.ok()) return absl::InternalError(std::string(s.message()));
  return absl::OkStatus();
}

Json JsonNumber(double v) {
  if (!std::isfinite(v)) return nullptr;
  constexpr double kExact = 9007199254740992.0;  // 2^53: every whole double up to it is an int64
  if (v == std::trunc(v) && std::fabs(v) <= kExact) return static_cast<int64_t>(v);
  return v;
}

std::string JsonLine(const Json& j) {
  // nlohmann writes ": " only when indenting; indented by 0, every line break in its text
  // is one it put between items (a string's own line breaks are escaped), so joining the
  // lines, with a space after a comma, gives the one-line layout.
  const std::string text = j.dump(0, ' ', false, Json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != '\n') out += c;
    else if (!out.empty() && out.back() == ',') out += ' ';
  }
  return out;
}

std::string JsonAsciiLine(const Json& j) { return j.dump(-1, ' ', true, Json::error_handler_t::replace); }

std::string JsonString(const Json& object, const std::string& key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t JsonInt(const Json& object, const std::string& key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return 0;
  // Integers as written; a number an older line wrote as a double (1.7e12) read as one.
  if (it->is_number_integer()) return it->get<int64_t>();
  const double v = it->get<double>();
  return std::isfinite(v) && std::fabs(v) < 9.2e18 ? static_cast<int64_t>(v) : 0;
}

std::string JsonQuote(const std::string& raw) { return JsonLine(Json(raw)); }

}  // namespace carestat
