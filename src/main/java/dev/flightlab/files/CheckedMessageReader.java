package dev.flightlab.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageChannelReader;
import org.apache.arrow.vector.ipc.message.MessageResult;

/**
 * Reads the messages of an Arrow IPC stream file, checking each length it reads against the bytes
 * the file has left BEFORE allocating for it: Arrow Java's own reader allocates whatever a message
 * prefix claims.
 */
final class CheckedMessageReader extends MessageChannelReader {
  private final Path file;
  private final FileChannel channel;
  private final long size;
  private long messages;

  CheckedMessageReader(Path file, FileChannel channel, BufferAllocator allocator)
      throws IOException {
    this(file, channel, allocator, channel.size());
  }

  /**
   * Reads messages from the channel's position up to {@code end} (an Arrow IPC file's messages end
   * where its footer begins).
   */
  CheckedMessageReader(Path file, FileChannel channel, BufferAllocator allocator, long end) {
    super(new ReadChannel(channel), allocator);
    this.file = file;
    this.channel = channel;
    this.size = end;
  }

  @Override
  public MessageResult readNext() throws IOException {
    long start = channel.position();
    long remaining = size - start;
    if (remaining == 0) {
      // No end-of-stream marker: Arrow C++ accepts a stream that simply ends, and so do we.
      return null;
    }
    if (remaining < 4) {
      throw truncated(start, "a message length needs 4 bytes, " + remaining + " remain");
    }
    ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    prefix.limit((int) Math.min(8, remaining));
    while (prefix.hasRemaining() && channel.read(prefix, start + prefix.position()) > 0) {
      // positional reads: the channel's position stays at the message start
    }
    int first = prefix.getInt(0);
    int prefixBytes = 4;
    long length = first;
    if (first == FileSignatures.IPC_CONTINUATION) {
      if (remaining < 8) {
        throw truncated(start, "a message length needs 8 bytes, " + remaining + " remain");
      }
      prefixBytes = 8;
      length = prefix.getInt(4);
    }
    if (length == 0) {
      return super.readNext(); // the end-of-stream marker
    }
    if (length < 0 || length > FileSignatures.MAX_METADATA_BYTES) {
      throw DataFileException.atOffset(
          file,
          start,
          "message "
              + messages
              + " claims "
              + Integer.toUnsignedString((int) length)
              + " metadata bytes: not an Arrow IPC message (damaged file?)");
    }
    if (prefixBytes + length > remaining) {
      throw truncated(
          start,
          "message " + messages + " needs " + length + " metadata bytes, " + remaining + " remain");
    }
    // Read the metadata here first (positionally) to check the body length it states; the
    // reader then reads it again, with the body, knowing both fit.
    ByteBuffer metadata = ByteBuffer.allocate((int) length);
    while (metadata.hasRemaining()
        && channel.read(metadata, start + prefixBytes + metadata.position()) > 0) {
      // positional reads
    }
    metadata.flip();
    long bodyBytes;
    try {
      bodyBytes = Message.getRootAsMessage(metadata).bodyLength();
    } catch (RuntimeException e) {
      throw DataFileException.atOffset(
          file, start, "message " + messages + " is not a valid Arrow IPC message: " + e);
    }
    long left = remaining - prefixBytes - length;
    if (bodyBytes < 0 || bodyBytes > left) {
      throw truncated(
          start,
          "message " + messages + " needs " + bodyBytes + " body bytes, " + left + " remain");
    }
    MessageResult result;
    try {
      result = super.readNext();
    } catch (RuntimeException e) {
      throw DataFileException.atOffset(
          file, start, "message " + messages + " is not a valid Arrow IPC message: " + e);
    }
    messages++;
    return result;
  }

  private DataFileException truncated(long offset, String detail) {
    return DataFileException.atOffset(file, offset, "Arrow IPC stream is truncated: " + detail);
  }
}
