# notify: embed the default templates (templates/**/*.txt, *.html) into txmail_notify at build
# time. The glob is re-checked at every build (CONFIGURE_DEPENDS), so adding a template file needs
# no manual re-configure; editing one regenerates only embedded_templates.cpp.
file(GLOB_RECURSE txmail_notify_templates CONFIGURE_DEPENDS
     ${CMAKE_SOURCE_DIR}/templates/*.txt ${CMAKE_SOURCE_DIR}/templates/*.html)
set(txmail_notify_embedded ${CMAKE_BINARY_DIR}/generated/txmail/notify/embedded_templates.cpp)
add_custom_command(
    OUTPUT ${txmail_notify_embedded}
    COMMAND ${CMAKE_COMMAND} -DTEMPLATE_ROOT=${CMAKE_SOURCE_DIR}/templates
            -DOUTPUT=${txmail_notify_embedded}
            -P ${CMAKE_SOURCE_DIR}/src/txmail/notify/embed_templates.cmake
    DEPENDS ${txmail_notify_templates} ${CMAKE_SOURCE_DIR}/src/txmail/notify/embed_templates.cmake
    COMMENT "Embedding default notification templates"
    VERBATIM)
target_sources(txmail_notify PRIVATE ${txmail_notify_embedded})
