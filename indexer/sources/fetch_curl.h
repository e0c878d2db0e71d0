// libcurl as the fetcher's files use it: the one global initialisation, the
// handles as RAII owners, and setting an option that must not be refused.
// Internal to indexer/sources/fetch*.cpp.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>

#include "core/error.h"

namespace talksearch {

/// The only global state: libcurl's own, initialised once (thread-safe since C++11 statics).
inline void ensure_curl() {
    static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) {
        throw Error(std::string("cannot initialise libcurl: ") + curl_easy_strerror(rc));
    }
}

/// RAII owners of libcurl's handles and strings.
struct EasyDeleter {
    void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct MultiDeleter {
    void operator()(CURLM* m) const { curl_multi_cleanup(m); }
};
struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct UrlDeleter {
    void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlFree {
    void operator()(char* p) const { curl_free(p); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using MultiHandle = std::unique_ptr<CURLM, MultiDeleter>;
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;
using CurlString = std::unique_ptr<char, CurlFree>;

/// Sets one option; an option libcurl refuses (too old, not built in) is misuse: a fetcher
/// without its protocol or size limits must not run.
template <typename T>
void set_option(CURL* h, CURLoption option, T value) {
    const CURLcode rc = curl_easy_setopt(h, option, value);
    if (rc != CURLE_OK) {
        throw Error(std::string("libcurl refused an option: ") + curl_easy_strerror(rc));
    }
}

}  // namespace talksearch
