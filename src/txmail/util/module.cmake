# util/random.cpp draws from OpenSSL's CSPRNG.
target_link_libraries(txmail_util PUBLIC OpenSSL::Crypto)
