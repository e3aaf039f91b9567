# cmake -DINPUT=index.html -DOUTPUT=web_page.cpp -P embed_page.cmake
# Writes a C++ file defining harness::web_index_html() from the page's bytes. A byte array
# (not a raw string literal) so that no text in the page can end the literal early.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# About 16 bytes per line keeps the generated file readable in a compiler error.
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}"
"// Generated from harness/web/index.html by harness/web/embed_page.cmake; do not edit.
#include \"harness/web_page.h\"

namespace harness {

namespace {
const unsigned char kPage[${size} + 1] = {
${bytes}0};
}  // namespace

std::string_view web_index_html() { return std::string_view(reinterpret_cast<const char*>(kPage), ${size}); }

}  // namespace harness
")
