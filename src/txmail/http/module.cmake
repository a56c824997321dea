# http: embed the OpenAPI document (docs/openapi.json) served at GET /openapi.json.
include(${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake)
txmail_embed_files(txmail_http
    ROOT ${CMAKE_SOURCE_DIR}/docs GLOBS openapi.json
    OUTPUT txmail/http/embedded_documents.cpp HEADER txmail/http/openapi.h
    NAMESPACE txmail::http FUNCTION embedded_documents
    COMMENT "Embedding the OpenAPI document")
