import CLinux
import FileSystemKit
import Foundation
import RemindAssembly
import RemindCore
import RemindInbox
import RemindRecipients
import RemindSpool
import ServiceLifecycle

/// Reads, parses, normalises and renders a claimed input, on a thread of its own, and
/// hands it to the engine to commit, piece by piece.
///
/// Its work runs on its own executor (``QueueExecutor``), never on the engine's actor
/// nor on Swift's cooperative pool, so a 2,000,000-row export does not hold up a release,
/// a `remindctl status` or the watchdog's health check: the engine is only visited to
/// commit each prepared piece (``Engine/commit(_:source:input:archive:ack:)``), which is
/// short, and is free between visits.
///
/// A CSV or JSON Lines export is read in pieces of ``pieceSize`` bytes: each piece's
/// complete rows are prepared here and committed (durable, then scheduled) on the engine
/// and the spool's thread while the next piece is read and prepared, so memory holds two
/// pieces at most whatever the file's size, and releases go on meanwhile. The input is
/// archived only with the last piece. A crash in between leaves it in `incoming/`;
/// recovery reads it again from the start, and the key index counts the rows already
/// committed as unchanged, so no row is lost or doubled. An HL7 file is read the same way,
/// whole messages at a time; its ACKs are written piece by piece into a partial file that
/// the last piece puts in place. A list is read in pieces of whole records too
/// (``ListPieces``).
///
/// Shutdown stops it between two pieces: the input stays claimed in `incoming/` and is
/// read again at the next start.
actor Ingestor {
    nonisolated let executor = QueueExecutor(label: "remindd.ingest", background: true)
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// How much of a file is read, prepared and committed at a time by default (1 MiB:
    /// about 15,000 CSV rows, a few tens of MB of working memory, a group commit every few
    /// tenths of a second).
    static let defaultPieceSize = 1 << 20

    /// Pieces between two returns of freed heap memory to the kernel (a few ms each).
    static let piecesBetweenTrims = 16

    /// How much of a file is read at a time (``defaultPieceSize``; smaller in tests).
    private(set) var pieceSize: Int

    init(pieceSize: Int = Ingestor.defaultPieceSize) {
        self.pieceSize = pieceSize
    }

    /// Sets the piece size (tests: a small export in many pieces).
    func setPieceSize(_ size: Int) { pieceSize = max(16, size) }

    /// Tests: called after each committed piece but the last (with its 1-based number),
    /// before the next is read, so a test can look at the daemon in the middle of an ingest.
    private(set) var afterPiece: (@Sendable (Int) async -> Void)?

    func setAfterPiece(_ hook: (@Sendable (Int) async -> Void)?) { afterPiece = hook }

    /// What became of an input.
    enum Outcome: Sendable {
        /// Committed and archived.
        case done(Summary)
        /// Not readable as its source's format (no header, a required column missing,
        /// undecodable): the engine moves it to `rejected/`.
        case refused(String)
        /// The spool or the file system failed; the input stays in `incoming/`.
        case failed(any Error, Summary)
        /// Shutdown began between two pieces; the input stays in `incoming/`.
        case interrupted(Summary)
        /// A row could not be rendered for a reason that is the configuration's (no
        /// template, a template error): the input stays in `incoming/`, unarchived, and is
        /// read again after a reload (the rows committed before it count as unchanged then).
        case held(RowRejection, Summary)
    }

    /// Why a piece could not be read or prepared.
    enum PieceFailure: Error {
        case refused(String)
        case failed(any Error)
    }

    /// Counts over the whole input.
    struct Summary: Sendable {
        var queued = 0
        var rejected = 0
        var unchanged = 0
        var withdrawn = 0
        var skipped = 0
        var superseded = 0
        var pieces = 0

        mutating func add(_ piece: Engine.PieceResult, skipped: Int, superseded: Int = 0) {
            self.superseded += superseded
            queued += piece.queued
            rejected += piece.rejected
            unchanged += piece.unchanged
            withdrawn += piece.withdrawn
            self.skipped += skipped
            pieces += 1
        }
    }

    /// Ingests one claimed input with its source's pipeline, committing through `engine`.
    ///
    /// After an input of more than a piece, the memory its pieces used is given back to the
    /// kernel (glibc keeps freed heap pages otherwise: 87 MB after a 2,000,000-row export).
    func ingest(
        _ claimed: ClaimedInput, pipeline: SourcePipeline, source: String, now: Date, optOuts: OptOutList,
        ackPath: String?, maxSize: Int, engine: Engine
    ) async -> Outcome {
        let size = (try? FileOperations.fileStatus(claimed.path))??.size ?? 0
        defer { if size > pieceSize { _ = clinux_release_free_memory() } }
        return await ingestInput(claimed, pipeline: pipeline, source: source, now: now, optOuts: optOuts, ackPath: ackPath,
                                 maxSize: maxSize, engine: engine)
    }

    private func ingestInput(
        _ claimed: ClaimedInput, pipeline: SourcePipeline, source: String, now: Date, optOuts: OptOutList,
        ackPath: String?, maxSize: Int, engine: Engine
    ) async -> Outcome {
        if case .appointments(let appointments) = pipeline, let stream = appointments.stream(file: claimed.originalName) {
            var pieces = AppointmentPieces(pipeline: appointments, stream: stream, file: claimed.originalName)
            return await ingestInPieces(
                claimed, pieces: &pieces, source: source, now: now, optOuts: optOuts,
                ackPath: appointments.acknowledge ? ackPath : nil, engine: engine)
        }
        if case .list(let list) = pipeline {
            var pieces = ListPieces(pipeline: list, stream: list.parser.stream(file: claimed.originalName), file: claimed.originalName)
            return await ingestInPieces(claimed, pieces: &pieces, source: source, now: now, optOuts: optOuts, ackPath: nil, engine: engine)
        }
        var summary = Summary()
        let bytes: [UInt8]
        do {
            bytes = try FileOperations.readFile(claimed.path, limit: maxSize)
        } catch {
            return .failed(error, summary)
        }
        let prepared: PreparedInput
        switch pipeline.prepare(bytes, file: claimed.originalName, now: now, optOuts: optOuts) {
        case .failure(let error): return .refused(error.description)
        case .success(let p): prepared = p
        }
        if let problem = prepared.configurationProblems.first { return .held(problem, summary) }
        do {
            let result = try await engine.commit(
                prepared, source: source, input: claimed, archive: true,
                ack: prepared.ack.flatMap { a in ackPath.map { Engine.AcknowledgementWrite(bytes: a, path: $0) } })
            summary.add(result, skipped: prepared.skipped, superseded: prepared.superseded)
            return .done(summary)
        } catch {
            return .failed(error, summary)
        }
    }

    private func ingestInPieces(
        _ claimed: ClaimedInput, pieces: inout some PiecePreparer, source: String, now: Date,
        optOuts: OptOutList, ackPath: String?, engine: Engine
    ) async -> Outcome {
        var summary = Summary()
        let reader: PieceReader
        do {
            reader = try PieceReader(path: claimed.path)
        } catch {
            return .failed(error, summary)
        }
        /// Reads, parses and prepares the next piece, on this actor's thread.
        func nextPiece() -> Result<(prepared: PreparedInput, final: Bool), PieceFailure> {
            let bytes: [UInt8]
            do {
                bytes = try reader.read(upTo: pieceSize)
            } catch {
                return .failure(.failed(error))
            }
            let final = bytes.count < pieceSize
            do {
                return .success((try pieces.prepare(bytes, final: final, now: now, optOuts: optOuts), final))
            } catch {
                // Only a file's first pieces throw (its header), before anything is committed.
                return .failure(.refused(error.description))
            }
        }

        var next = nextPiece()
        while true {
            let piece: (prepared: PreparedInput, final: Bool)
            switch next {
            case .failure(.refused(let reason)): return .refused(reason)
            case .failure(.failed(let error)): return .failed(error, summary)
            case .success(let p): piece = p
            }
            if let problem = piece.prepared.configurationProblems.first { return .held(problem, summary) }
            // The piece is committed on the engine and the spool's thread while the next one
            // is read and prepared here: the two overlap, and memory holds two pieces at most.
            // An HL7 file's ACKs go piece by piece into a partial file, put in place with the last.
            let ack = ackPath.map {
                Engine.AcknowledgementWrite(bytes: piece.prepared.ack ?? [], path: $0, first: summary.pieces == 0, last: piece.final)
            }
            async let committed = engine.commit(piece.prepared, source: source, input: claimed, archive: piece.final, ack: ack)
            if !piece.final { next = nextPiece() }
            do {
                summary.add(try await committed, skipped: piece.prepared.skipped, superseded: piece.prepared.superseded)
            } catch {
                return .failed(error, summary)
            }
            if piece.final { break }
            // Freed pieces leave holes in glibc's heap that it keeps: give them back now and
            // then, so a long file's resident memory is its index plus two pieces.
            if summary.pieces % Self.piecesBetweenTrims == 0 { _ = clinux_release_free_memory() }
            CrashPoint.hit("ingest.after-piece")
            if let afterPiece { await afterPiece(summary.pieces) }
            if Task.isCancelled || Task.isShuttingDownGracefully { return .interrupted(summary) }
        }
        return .done(summary)
    }
}

/// One input read in pieces: each piece's bytes parsed and prepared.
protocol PiecePreparer {
    /// Parses and prepares the next piece (`final`: the file's last). Throws only for a
    /// file's first pieces (its header), before anything is committed.
    mutating func prepare(_ bytes: [UInt8], final: Bool, now: Date, optOuts: OptOutList) throws(InputError) -> PreparedInput
}

/// An appointment export (CSV, JSON Lines, HL7) in pieces, with a snapshot source's cover
/// gathered piece by piece and given with the last.
struct AppointmentPieces: PiecePreparer {
    let pipeline: IngestPipeline
    var stream: any RecordStream
    var snapshot: SnapshotCollector?

    init(pipeline: IngestPipeline, stream: any RecordStream, file: String) {
        self.pipeline = pipeline
        self.stream = stream
        self.snapshot = pipeline.snapshot.map { SnapshotCollector(mode: $0, timeZone: pipeline.timeZone) }
    }

    mutating func prepare(_ bytes: [UInt8], final: Bool, now: Date, optOuts: OptOutList) throws(InputError) -> PreparedInput {
        let parsed = try stream.feed(bytes, final: final)
        snapshot?.add(parsed.records)
        var prepared = pipeline.prepare(parsed, now: now, optOuts: optOuts)
        if final { prepared.snapshot = snapshot?.cover }
        return prepared
    }
}

/// A list (recalls, patients, broadcasts, private messages) in pieces.
struct ListPieces: PiecePreparer {
    let pipeline: ListPipeline
    var stream: ListStream
    let file: String

    mutating func prepare(_ bytes: [UInt8], final: Bool, now: Date, optOuts: OptOutList) throws(InputError) -> PreparedInput {
        pipeline.prepare(try stream.feed(bytes, final: final), file: file, now: now, optOuts: optOuts)
    }
}
