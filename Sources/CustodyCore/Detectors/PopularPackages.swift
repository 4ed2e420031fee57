/// Widely used package names per ecosystem, as data for the typosquatting check: a new dependency
/// whose name is one edit away from one of these (and is not itself one of these) is suspicious.
///
/// Small on purpose (the most-downloaded names and the targets of known typosquatting
/// campaigns); the list also carries well-known legitimate near neighbours (preact, react)
/// so that they are never reported.
enum PopularPackages {
    static let npm: Set<String> = [
        "lodash", "react", "preact", "react-dom", "express", "chalk", "commander", "debug", "axios", "request",
        "moment", "tslib", "uuid", "async", "underscore", "vue", "jquery", "webpack", "babel-core", "typescript",
        "eslint", "prettier", "yargs", "minimist", "glob", "rimraf", "mkdirp", "semver", "colors", "cross-env",
        "dotenv", "body-parser", "cookie-parser", "jsonwebtoken", "bcrypt", "bcryptjs", "mongoose", "mongodb",
        "mysql", "mysql2", "pg", "redis", "socket.io", "ws", "node-fetch", "cheerio", "puppeteer", "electron",
        "jest", "mocha", "chai", "sinon", "karma", "gulp", "grunt", "browserify", "rollup", "vite", "esbuild",
        "next", "nuxt", "angular", "svelte", "rxjs", "ramda", "immutable", "classnames", "prop-types", "redux",
        "react-redux", "styled-components", "graphql", "apollo-client", "fs-extra", "inquirer", "ora", "boxen",
        "event-stream", "flatmap-stream", "ua-parser-js", "coa", "rc", "node-ipc", "faker", "peacenotwar",
        "discord.js", "bluebird", "q", "through", "through2", "readable-stream", "core-js", "regenerator-runtime", "qs",
        "cookie", "cors", "helmet", "morgan", "nodemon", "pm2", "sharp", "canvas", "crypto-js", "node-sass", "sass",
        "less", "postcss", "autoprefixer", "tailwindcss", "d3", "three", "chart.js", "leaflet", "ethers", "web3",
        "left-pad", "is-number", "is-odd", "kind-of", "ms", "once", "inherits", "safe-buffer", "string-width",
        "strip-ansi", "ansi-regex", "supports-color", "has-flag", "escape-string-regexp", "js-yaml", "yaml",
        "xml2js", "jsdom", "form-data", "formidable", "multer", "passport", "validator", "joi", "zod", "ajv",
    ]

    static let pypi: Set<String> = [
        "requests", "urllib3", "six", "setuptools", "wheel", "pip", "numpy", "pandas", "scipy", "matplotlib",
        "django", "flask", "jinja2", "markupsafe", "werkzeug", "click", "pyyaml", "python-dateutil", "pytz",
        "certifi", "idna", "chardet", "charset-normalizer", "cryptography", "pyopenssl", "cffi", "pycparser",
        "boto3", "botocore", "s3transfer", "awscli", "colorama", "termcolor", "tqdm", "pillow", "lxml",
        "beautifulsoup4", "bs4", "selenium", "pytest", "mock", "coverage", "tox", "attrs", "packaging", "pyparsing",
        "jsonschema", "simplejson", "protobuf", "grpcio", "psycopg2", "pymysql", "sqlalchemy", "redis", "celery",
        "kombu", "tensorflow", "torch", "keras", "scikit-learn", "sklearn", "opencv-python", "nltk", "gensim",
        "paramiko", "fabric", "ansible", "docker", "kubernetes", "fastapi", "uvicorn", "gunicorn", "aiohttp",
        "httpx", "pydantic", "typing-extensions", "toml", "tomli", "rich", "jellyfish", "dateutil", "python-nmap",
        "pycrypto", "pycryptodome", "openpyxl", "xlrd", "docutils", "sphinx", "pygments", "babel", "virtualenv",
        "distlib", "filelock", "platformdirs", "wrapt", "decorator", "pyjwt", "oauthlib", "requests-oauthlib",
        "google-auth", "rsa", "pyasn1", "ujson", "orjson", "pexpect", "psutil", "setuptools-scm", "cython",
    ]

    static let go: Set<String> = [
        "github.com/stretchr/testify", "github.com/sirupsen/logrus", "github.com/spf13/cobra", "github.com/spf13/viper",
        "github.com/gin-gonic/gin", "github.com/gorilla/mux", "github.com/gorilla/websocket", "github.com/pkg/errors",
        "github.com/google/uuid", "github.com/golang/protobuf", "google.golang.org/protobuf", "google.golang.org/grpc",
        "golang.org/x/crypto", "golang.org/x/net", "golang.org/x/sys", "golang.org/x/text", "golang.org/x/sync",
        "github.com/prometheus/client_golang", "go.uber.org/zap", "github.com/lib/pq", "github.com/go-sql-driver/mysql",
        "github.com/jackc/pgx", "github.com/redis/go-redis", "github.com/go-redis/redis", "gopkg.in/yaml.v2",
        "gopkg.in/yaml.v3", "github.com/davecgh/go-spew", "github.com/urfave/cli", "github.com/labstack/echo",
        "github.com/aws/aws-sdk-go", "github.com/boltdb/bolt", "github.com/hashicorp/consul", "github.com/mattn/go-sqlite3",
        "github.com/golang-jwt/jwt", "github.com/dgrijalva/jwt-go", "github.com/fatih/color", "github.com/valyala/fasthttp",
    ]

    static let cargo: Set<String> = [
        "serde", "serde_json", "serde_derive", "tokio", "rand", "regex", "log", "clap", "anyhow", "thiserror", "syn",
        "quote", "proc-macro2", "libc", "lazy_static", "once_cell", "futures", "bytes", "hyper", "reqwest", "chrono",
        "time", "itertools", "bitflags", "cfg-if", "byteorder", "base64", "hex", "sha2", "md5", "ring", "rustls",
        "openssl", "num", "num-traits", "rayon", "crossbeam", "parking_lot", "smallvec", "memchr", "indexmap",
        "hashbrown", "env_logger", "tracing", "tracing-subscriber", "url", "uuid", "toml", "walkdir", "tempfile",
        "flate2", "zip", "tar", "nix", "winapi", "windows", "async-trait", "axum", "actix-web", "warp", "diesel",
        "sqlx", "prost", "tonic", "image", "criterion", "proptest", "structopt", "dirs", "glob", "semver",
    ]

    static let swiftpm: Set<String> = [
        "swift-argument-parser", "swift-nio", "swift-nio-ssl", "swift-nio-ssh", "swift-nio-http2", "swift-crypto",
        "swift-log", "swift-metrics", "swift-collections", "swift-algorithms", "swift-syntax", "swift-format",
        "swift-protobuf", "grpc-swift", "vapor", "fluent", "alamofire", "kingfisher", "snapkit", "rxswift",
        "grdb.swift", "yams", "swift-async-algorithms", "swift-system", "swift-numerics", "hummingbird",
        "swift-atomics", "swift-distributed-tracing", "async-http-client", "postgres-nio", "swiftlint", "realm-swift",
        "swift-composable-architecture", "swift-snapshot-testing", "swift-dependencies", "quick", "nimble",
    ]

    static let maven: Set<String> = [
        "junit", "junit-jupiter", "mockito-core", "slf4j-api", "logback-classic", "log4j-core", "log4j-api",
        "guava", "commons-lang3", "commons-io", "commons-codec", "commons-collections4", "jackson-databind",
        "jackson-core", "jackson-annotations", "gson", "httpclient", "httpcore", "okhttp", "retrofit",
        "spring-core", "spring-context", "spring-web", "spring-webmvc", "spring-boot-starter", "spring-boot-starter-web",
        "hibernate-core", "lombok", "assertj-core", "hamcrest", "netty-all", "netty-handler", "bcprov-jdk15on",
        "bcprov-jdk18on", "snakeyaml", "postgresql", "mysql-connector-java", "h2", "kotlin-stdlib", "jsoup",
        "protobuf-java", "grpc-netty", "aws-java-sdk-s3", "jna", "joda-time", "javax.servlet-api", "jakarta.servlet-api",
    ]

    static func names(for ecosystem: BuildFiles.Ecosystem) -> Set<String> {
        switch ecosystem {
        case .npm: npm
        case .pypi: pypi
        case .go: go
        case .cargo: cargo
        case .swiftpm: swiftpm
        case .maven: maven
        }
    }

    /// A name normalized for comparison (PyPI treats `-`, `_` and `.` alike; case never matters).
    static func normalize(_ name: String, _ ecosystem: BuildFiles.Ecosystem) -> String {
        var lower = name.lowercased()
        if ecosystem == .pypi || ecosystem == .cargo {
            lower = String(lower.map { $0 == "_" || $0 == "." ? "-" : $0 })
        }
        if ecosystem == .swiftpm, lower.hasSuffix(".git") { lower = String(lower.dropLast(4)) }
        return lower
    }

    /// The popular name that `name` imitates (one edit away, not equal), or nil.
    static func imitated(_ name: String, in ecosystem: BuildFiles.Ecosystem) -> String? {
        // Maven coordinates are group:artifact; the list holds artifact ids.
        let name = ecosystem == .maven ? String(name.split(separator: ":").last ?? Substring(name)) : name
        let normalized = normalize(name, ecosystem)
        guard normalized.count >= 4 else { return nil }
        let popular = names(for: ecosystem)
        let normalizedPopular = Set(popular.map { normalize($0, ecosystem) })
        if normalizedPopular.contains(normalized) { return nil }
        let a = Array(normalized.utf8)
        for candidate in popular.sorted() {
            let b = Array(normalize(candidate, ecosystem).utf8)
            guard b.count >= 4, abs(a.count - b.count) <= 1 else { continue }
            // A trailing digit added or dropped is a versioned sibling (through / through2), not a typo.
            if a.count != b.count, isDigit(a.last) || isDigit(b.last), a.dropLast() == b[...] || b.dropLast() == a[...] {
                continue
            }
            if editDistanceIsOne(a, b) { return candidate }
        }
        return nil
    }

    private static func isDigit(_ byte: UInt8?) -> Bool {
        byte.map { $0 >= 0x30 && $0 <= 0x39 } ?? false
    }

    /// Whether two byte strings are exactly one insertion, deletion, substitution or adjacent
    /// transposition apart.
    static func editDistanceIsOne(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        if a == b { return false }
        if a.count == b.count {
            var diffs: [Int] = []
            for i in 0..<a.count where a[i] != b[i] {
                diffs.append(i)
                if diffs.count > 2 { return false }
            }
            if diffs.count == 1 { return true }
            if diffs.count == 2, diffs[1] == diffs[0] + 1, a[diffs[0]] == b[diffs[1]], a[diffs[1]] == b[diffs[0]] {
                return true
            }
            return false
        }
        let (short, long) = a.count < b.count ? (a, b) : (b, a)
        guard long.count == short.count + 1 else { return false }
        var i = 0
        while i < short.count, short[i] == long[i] { i += 1 }
        return short[i...].elementsEqual(long[(i + 1)...])
    }
}
