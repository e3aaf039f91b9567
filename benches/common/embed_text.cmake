# cmake -DIN=file.py -DOUT=file_source.cpp -DINCLUDE=dir/header.h -DNAMESPACE=ns -DSYMBOL=kName
#       -P embed_text.cmake
# Embeds a text file (a Python driver run in the sandbox) as a C++ raw string, so the binary
# needs no file at run time.
file(READ "${IN}" source)
string(FIND "${source}" ")EMBEDDED_TEXT\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter )EMBEDDED_TEXT\"")
endif()
file(WRITE "${OUT}.tmp"
  "// Generated from ${IN} by embed_text.cmake; do not edit.\n"
  "#include \"${INCLUDE}\"\n"
  "namespace ${NAMESPACE} {\n"
  "const char* const ${SYMBOL} = R\"EMBEDDED_TEXT(${source})EMBEDDED_TEXT\";\n"
  "}\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
