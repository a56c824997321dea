# notify: embed the default templates (templates/**/*.txt, *.html) into txmail_notify at build
# time (cmake/embed_files.cmake). Adding a template file needs no manual re-configure; editing one
# regenerates only embedded_templates.cpp.
include(${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake)
txmail_embed_files(txmail_notify
    ROOT ${CMAKE_SOURCE_DIR}/templates GLOBS *.txt *.html
    OUTPUT txmail/notify/embedded_templates.cpp HEADER txmail/notify/embedded_templates.h
    NAMESPACE txmail::notify FUNCTION embedded_templates
    COMMENT "Embedding default notification templates")
