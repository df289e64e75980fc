# CPACK_PRE_BUILD_SCRIPTS hook: runs on cpack's staging tree before the .deb is made.
# - eport-vcard is a virtual card for tests and demos (it needs vsmartcard-vpcd); it installs
#   with `cmake --install` for developers but is not shipped: a fake token on a production desk
#   would only confuse the help desk.
# - Debian wants man pages gzip'ed (-9n: reproducible); other areas install them plain.
file(GLOB_RECURSE eport_vcard LIST_DIRECTORIES false "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/eport-vcard")
if(eport_vcard)
  file(REMOVE ${eport_vcard})
endif()
# - eport-softskf and libeport-softskf.so (the soft SKF USBKey) are left out for the same reason.
file(GLOB_RECURSE eport_softskf LIST_DIRECTORIES false "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/eport-softskf"
     "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/libeport-softskf*.so")
if(eport_softskf)
  file(REMOVE ${eport_softskf})
endif()
file(GLOB eport_softskf_dir LIST_DIRECTORIES true "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/lib/*/eportd/softskf")
if(eport_softskf_dir)
  file(REMOVE_RECURSE ${eport_softskf_dir})
endif()
file(GLOB_RECURSE eport_pages LIST_DIRECTORIES false "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/share/man/*.[1-8]")
foreach(page IN LISTS eport_pages)
  execute_process(COMMAND gzip -9nf "${page}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip ${page} failed")
  endif()
endforeach()
