//! `spawn_app`: the whole stack on a random port with a fresh database holding the official
//! region tree, a national administrator, and an HTTP client.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use pulih_app::{App, AppConfig, Clock, Keys, ThrottleConfig};
use pulih_crypto::{Keyring, MasterKey};
use pulih_store::Store;
use pulih_store_sqlite::SqliteStore;
use pulih_web::{AppState, WebConfig};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::sync::OnceCell;

/// Password of the national administrator every test starts with.
pub const ROOT_PASSWORD: &str = "kopi-susu-pagi-2026";

/// NIK look-ups a user may make per day in tests.
pub const NIK_LOOKUPS_PER_DAY: u32 = 6;

/// The token a metrics scraper sends in tests.
pub const METRICS_TOKEN: &str = "scraper-token-2026";

/// The web settings tests run with: the defaults, and a metrics scraper's token.
pub fn web_config() -> WebConfig {
    WebConfig {
        metrics_token: pulih_web::MetricsToken::new(METRICS_TOKEN),
        ..WebConfig::default()
    }
}

/// Password given to users created by [`TestApp::create_user`].
pub const USER_PASSWORD: &str = "teh-manis-sore-2026";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The real time moved forward by what a test asks: deadlines pass without sleeping.
#[derive(Default)]
pub struct TestClock {
    ahead_secs: AtomicI64,
}

impl TestClock {
    /// Moves the clock `days` forward.
    pub fn advance_days(&self, days: i64) {
        self.advance_secs(days * 86_400);
    }

    pub fn advance_secs(&self, secs: i64) {
        self.ahead_secs.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() + chrono::Duration::seconds(self.ahead_secs.load(Ordering::SeqCst))
    }
}

/// A running server and what keeps its database alive.
pub struct TestApp {
    /// The application behind the server, for running due work as the scheduler does.
    pub app: App,
    /// The clock the application reads.
    pub clock: Arc<TestClock>,
    pub address: String,
    pub client: reqwest::Client,
    pub root_token: String,
    /// The SQLite file, to check what reaches the disk; none on PostgreSQL.
    pub db_file: Option<PathBuf>,
    /// Which database it runs on, to start another one alike.
    pub backend: Backend,
    _db: Box<dyn std::any::Any + Send>,
}

/// The application over `store` with a fresh master key.
async fn app_over(store: Arc<dyn Store>, clock: Arc<TestClock>, config: AppConfig) -> App {
    let keyring = Keyring::new(MasterKey::generate(), Vec::new());
    let keys = Keys::open(store.as_ref(), keyring).await.expect("keys");
    App::new(store, clock, config, Arc::new(keys))
}

/// The SQLite file with the official tree imported, made once per test process and copied
/// for each test (importing 92k rows per test would dominate the suite's time).
async fn sqlite_template() -> &'static PathBuf {
    static TEMPLATE: OnceCell<(tempfile::TempDir, PathBuf)> = OnceCell::const_new();
    let (_, path) = TEMPLATE
        .get_or_init(|| async {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("template.db");
            let store = SqliteStore::open(&path).await.expect("open template");
            let regions = pulih_regions::embedded().expect("embedded regions");
            let stored = store.stored_regions().await.expect("stored");
            let plan = pulih_domain::region_import::ImportPlan::new(regions, &stored);
            let writer: &dyn Store = &store;
            // not audited: each test's copy keys its audit chain under a master key of its own
            writer
                .write(None, move |tx| {
                    Box::pin(async move {
                        tx.apply_region_import(&plan, "test", chrono::Utc::now())
                            .await
                            .map(|_| ())
                    })
                })
                .await
                .expect("import");
            store.close().await;
            (dir, path)
        })
        .await;
    path
}

/// Starts the app on `backend`; none when PostgreSQL is unavailable outside CI.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, web_config()).await
}

/// The application settings tests run with: a tight login throttle, few NIK look-ups,
/// and two-factor login required of nobody (its own tests turn it on).
pub fn app_config() -> AppConfig {
    let throttle = ThrottleConfig {
        per_account: 3,
        per_ip: 50,
        per_account_anywhere: 8,
        first_delay_secs: 60,
        window_secs: 900,
    };
    AppConfig {
        throttle,
        nik_lookups_per_day: NIK_LOOKUPS_PER_DAY,
        totp_required_roles: Vec::new(),
        ..AppConfig::default()
    }
}

/// Starts the app on `backend` with the web settings `config`.
pub async fn spawn_app_with(backend: Backend, web: WebConfig) -> Option<TestApp> {
    spawn_app_configured(backend, web, app_config()).await
}

/// Starts the app on `backend` with the web settings `web` and application settings
/// `config`.
pub async fn spawn_app_configured(
    backend: Backend,
    web: WebConfig,
    config: AppConfig,
) -> Option<TestApp> {
    spawn_app_in(backend, web, config, &std::env::temp_dir()).await
}

/// Starts the app on `backend` as [`spawn_app_configured`] does; a SQLite database lies
/// in a new folder inside `parent`.
pub async fn spawn_app_in(
    backend: Backend,
    web: WebConfig,
    config: AppConfig,
    parent: &std::path::Path,
) -> Option<TestApp> {
    let mut db_file = None;
    let (store, guard): (Arc<dyn Store>, Box<dyn std::any::Any + Send>) = match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir_in(parent).expect("temp dir");
            let path = dir.path().join("pulih.db");
            std::fs::copy(sqlite_template().await, &path).expect("copy template");
            let store = SqliteStore::open(&path).await.expect("open sqlite");
            db_file = Some(path);
            (Arc::new(store), Box::new(dir))
        }
        Backend::Postgres => {
            let (store, guard) = pulih_store_postgres::testing::fresh_database().await?;
            (Arc::new(store), Box::new(guard))
        }
    };
    let clock = Arc::new(TestClock::default());
    let app = app_over(store, clock.clone(), config).await;
    if db_file.is_none() {
        let regions = pulih_regions::embedded().expect("embedded regions");
        app.import_regions(None, regions, "test", Default::default())
            .await
            .expect("import regions");
    }
    app.bootstrap_admin("root", Some(ROOT_PASSWORD.into()))
        .await
        .expect("bootstrap admin");
    let state = AppState::new(app.clone(), web).expect("state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(pulih_web::serve(listener, state, std::future::pending()));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut app = TestApp {
        app,
        clock,
        address,
        client,
        root_token: String::new(),
        db_file,
        backend,
        _db: guard,
    };
    app.root_token = app.login("root", ROOT_PASSWORD).await;
    Some(app)
}

impl TestApp {
    /// Today in Western Indonesia (UTC+7), where the test regions lie, by the server's
    /// own clock: a test never asks the wall clock what day the server thinks it is.
    pub fn today(&self) -> chrono::NaiveDate {
        (self.clock.now() + chrono::Duration::hours(7)).date_naive()
    }

    /// The year of [`Self::today`]: the one a yearly target or score is still open for.
    pub fn year(&self) -> i32 {
        chrono::Datelike::year(&self.today())
    }

    /// The day `days` before [`Self::today`], as the API writes dates.
    pub fn days_ago(&self, days: u64) -> String {
        (self.today() - chrono::Days::new(days)).to_string()
    }

    /// The day `days` after [`Self::today`], as the API writes dates.
    pub fn days_ahead(&self, days: u64) -> String {
        (self.today() + chrono::Days::new(days)).to_string()
    }

    /// The PostgreSQL test database; none on SQLite.
    pub fn postgres(&self) -> Option<&pulih_store_postgres::testing::TestDatabase> {
        self._db.downcast_ref()
    }

    /// Every idempotency answer stored, as the database holds it.
    pub async fn stored_answers(&self) -> Vec<String> {
        let sql = "select answer from idempotency order by created_at";
        let answers: Result<Vec<(String,)>, sqlx::Error> = match &self.db_file {
            Some(path) => {
                let url = format!("sqlite://{}?mode=ro", path.display());
                let pool = sqlx::SqlitePool::connect(&url).await.expect("open sqlite");
                sqlx::query_as(sql).fetch_all(&pool).await
            }
            None => {
                let db = self
                    ._db
                    .downcast_ref::<pulih_store_postgres::testing::TestDatabase>()
                    .expect("a PostgreSQL test database");
                let pool = sqlx::PgPool::connect_with(db.options())
                    .await
                    .expect("connect");
                sqlx::query_as(sql).fetch_all(&pool).await
            }
        };
        answers
            .expect("read answers")
            .into_iter()
            .map(|(a,)| a)
            .collect()
    }
}

/// A JSON response.
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl TestApp {
    /// Sends a JSON request with an optional bearer token and extra headers.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.address));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.expect("request");
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.request(Method::GET, path, Some(token), None, &[])
            .await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.request(Method::POST, path, Some(token), Some(body), &[])
            .await
    }

    /// Logs in over the API and returns the bearer token.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let r = self
            .request(
                Method::POST,
                "/api/v1/session",
                None,
                Some(json!({"username": username, "password": password})),
                &[],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "login of {username}: {:?}",
            r.body
        );
        r.body["token"].as_str().expect("token").to_owned()
    }

    /// Creates an organisation as `token`'s user and returns its id.
    pub async fn create_org(
        &self,
        token: &str,
        name: &str,
        org_type: &str,
        region: &str,
    ) -> String {
        let r = self
            .post(
                "/api/v1/organisations",
                token,
                json!({"name": name, "org_type": org_type, "region": region}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        r.body["id"].as_str().expect("id").to_owned()
    }

    /// Creates a user with a known password and returns (id, token).
    pub async fn create_user(
        &self,
        token: &str,
        username: &str,
        role: &str,
        org_id: &str,
        scope: &str,
    ) -> (String, String) {
        // administrators and national users are confirmed explicitly, as the form asks
        let confirm = role == "admin" || scope == "ID";
        let body = json!({"username": username, "display_name": username, "role": role, "org_id": org_id, "scope": scope, "password": USER_PASSWORD, "confirm_privileged": confirm});
        let r = self.post("/api/v1/users", token, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        let id = r.body["id"].as_str().expect("id").to_owned();
        (id, self.login(username, USER_PASSWORD).await)
    }

    /// Sets a password through the one-time link of an answer that issued one
    /// (`link.token`), as the person would.
    pub async fn redeem_link(&self, issued: &Value, password: &str) {
        let token = issued["link"]["token"].as_str().expect("a link was issued");
        let done = self
            .request(
                Method::POST,
                &format!("/api/v1/links/{token}"),
                None,
                Some(json!({ "password": password })),
                &[],
            )
            .await;
        assert_eq!(done.status, StatusCode::NO_CONTENT, "{:?}", done.body);
    }

    /// Number of audit entries the national administrator can see.
    pub async fn audit_count(&self) -> usize {
        let r = self.get("/api/v1/audit?limit=500", &self.root_token).await;
        r.body["items"].as_array().expect("items").len()
    }
}

/// Runs each listed test (an `async fn(TestApp)`) once per backend, with the web settings
/// of [`web_config`] or those given first (`config = expr;`), and the application
/// settings of [`app_config`] or those given (`app = expr;`).
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $crate::on_both_backends!(config = $crate::helpers::web_config(); $($name),*);
    };
    (config = $config:expr; $($name:ident),* $(,)?) => {
        $crate::on_both_backends!(config = $config, app = $crate::helpers::app_config(); $($name),*);
    };
    (app = $app:expr; $($name:ident),* $(,)?) => {
        $crate::on_both_backends!(config = $crate::helpers::web_config(), app = $app; $($name),*);
    };
    (config = $config:expr, app = $app:expr; $($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = $crate::helpers::spawn_app_configured($crate::helpers::Backend::Sqlite, $config, $app).await.expect("sqlite app");
                    super::$name(app).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(app) = $crate::helpers::spawn_app_configured($crate::helpers::Backend::Postgres, $config, $app).await else { return };
                    super::$name(app).await;
                }
            )*
        }
    };
}
