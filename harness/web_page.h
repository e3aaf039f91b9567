// The web page of `harness serve` (harness/web/index.html), embedded in the binary at
// build time so that the daemon serves it without any file next to the executable.
#pragma once

#include <string_view>

namespace harness {

// The whole page: HTML with its CSS and JavaScript inline.
std::string_view web_index_html();

}  // namespace harness
