# What `cmake --install` puts where, and the Debian package CPack builds from it
# (`cpack -G DEB` in the build tree → mkata_<version>_amd64.deb; docs/package.md):
#   /usr/bin/mkata                                   the CLI
#   /usr/lib/mkata/mkata-{runsc,crun}-adapter        the OCI-runtime adapters (found beside lib/mkata)
#   /usr/lib/mkata/workloads/{helloworld,autoscale,pause}  the static workload binaries
#   /usr/share/doc/mkata/                            README and the docs
install(TARGETS mkata RUNTIME DESTINATION bin)
install(TARGETS mkata-runsc-adapter mkata-crun-adapter RUNTIME DESTINATION lib/mkata)
install(TARGETS helloworld autoscale pause RUNTIME DESTINATION lib/mkata/workloads)
install(FILES README.md DESTINATION share/doc/mkata)
install(DIRECTORY docs/ DESTINATION share/doc/mkata/docs FILES_MATCHING PATTERN "*.md")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mkata)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "sandboxed container runtimes (Kata Containers, gVisor) next to runc, proven")
set(CPACK_PACKAGE_DESCRIPTION
    "mkata checks a host, registers Kata Containers and gVisor next to runc in containerd, \
Docker or Podman, reads back what the engine really loaded, and validates and measures them.")
set(CPACK_PACKAGE_CONTACT "mkata maintainers <mkata@localhost>")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # mkata_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # the shared libraries mkata links (grpc, protobuf, ...)
# What mkata drives; the sandboxes themselves are recommended (Kata comes from its releases).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "containerd, runc, containernetworking-plugins, iproute2, iptables")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "crun, runsc")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "docker.io, podman, skopeo")
set(CPACK_STRIP_FILES ON)
include(CPack)
