# Writes OUT, a C++ file defining carestat::web::Asset() over the files in FILES (a
# ;-separated list), each embedded as a hex byte array so any content is safe.
set(body "#include \"services/reporting/web/assets.h\"\n#include <map>\nnamespace carestat::web {\nnamespace {\n")
set(table "")
set(i 0)
string(REPLACE "|" ";" FILES "${FILES}")
foreach(f ${FILES})
  get_filename_component(name ${f} NAME)
  file(READ ${f} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(LENGTH "${hex}" n)
  math(EXPR n "${n} / 2")
  string(APPEND body "const unsigned char k${i}[] = {${bytes}0};\n")
  string(APPEND table "      {\"${name}\", std::string(reinterpret_cast<const char*>(k${i}), ${n})},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND body "}  // namespace\nconst std::string& Asset(const std::string& name) {\n"
  "  static const auto* k = new std::map<std::string, std::string>{\n${table}  };\n"
  "  static const std::string kNone;\n  auto it = k->find(name);\n  return it == k->end() ? kNone : it->second;\n}\n"
  "}  // namespace carestat::web\n")
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
