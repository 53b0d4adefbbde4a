# One switch for the whole tree, so every target (tests included) is instrumented alike.
if(DEMINER_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -O1 -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
  add_compile_definitions(DEMINER_SANITIZE=1)
endif()
