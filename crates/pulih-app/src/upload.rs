//! A file sent for an import, not read yet. Every import use-case takes one and
//! authorises the user before it reads the file, so the server never holds, unpacks or
//! parses a file for a user without the right to import it.

use std::io::{Cursor, Read};

use futures::future::BoxFuture;

use crate::{AppError, AppResult};

/// A file to import: a request body still to be received, or a reader (a file on disk).
pub struct Upload(Source);

enum Source {
    Body(BoxFuture<'static, AppResult<Vec<u8>>>),
    Reader(Box<dyn Read + Send>),
}

impl Upload {
    /// A request body that `receive` reads when the import asks for it; it fails with
    /// [`AppError::TooLarge`] when the body is over the server's limit.
    pub fn body(receive: impl Future<Output = AppResult<Vec<u8>>> + Send + 'static) -> Self {
        Self(Source::Body(Box::pin(receive)))
    }

    /// A file read as the import goes.
    pub fn reader(file: impl Read + Send + 'static) -> Self {
        Self(Source::Reader(Box::new(file)))
    }

    /// The whole file (a reader is read off the async threads).
    pub(crate) async fn bytes(self) -> AppResult<Vec<u8>> {
        match self.0 {
            Source::Body(receive) => receive.await,
            Source::Reader(mut file) => tokio::task::spawn_blocking(move || {
                let mut bytes = Vec::new();
                file.read_to_end(&mut bytes).map(|_| bytes)
            })
            .await
            .map_err(|e| AppError::Internal(format!("upload task: {e}")))?
            .map_err(|_| AppError::invalid("file", "invalid.upload_incomplete")),
        }
    }

    /// The file as a reader, for a parser that streams.
    pub(crate) async fn into_reader(self) -> AppResult<Box<dyn Read + Send>> {
        match self.0 {
            Source::Body(receive) => Ok(Box::new(Cursor::new(receive.await?))),
            Source::Reader(file) => Ok(file),
        }
    }
}

impl From<Vec<u8>> for Upload {
    /// A file already in memory.
    fn from(bytes: Vec<u8>) -> Self {
        Self::body(async move { Ok(bytes) })
    }
}
