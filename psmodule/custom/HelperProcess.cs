// Hand-written (Modifiable; see README.md): the subprocess transport's helper process and its pipes (psmodule/subprocess/ drives it).
namespace MgBridge
{
    using System;
    using System.Collections;
    using System.Collections.Concurrent;
    using System.Diagnostics;
    using System.Globalization;
    using System.IO;
    using System.Text;
    using System.Text.Json;
    using System.Threading;

    /// <summary>
    /// The long-lived `python -m bridge.protocol` process and its pipes: one line per
    /// message each way. Calls are multiplexed by request id: a caller registers its id
    /// (Expect), sends, and waits on its own queue in short slices (so it stays responsive
    /// to Ctrl+C); a background thread reads stdout and hands each line to the queue of
    /// the id it carries, so calls from many runspaces overlap on the one helper. A line
    /// for an id nobody waits for (the late answer of a cancelled call) is dropped.
    /// One per pwsh process, shared by every runspace (see Get-BridgeSubprocessState).
    /// </summary>
    public sealed class HelperProcess : IDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentDictionary<long, BlockingCollection<string>> _waiting =
            new ConcurrentDictionary<long, BlockingCollection<string>>();
        private volatile bool _ended;
        private readonly ConcurrentQueue<string> _stderr = new ConcurrentQueue<string>();
        private readonly object _writeLock = new object();
        private const int StderrLines = 40;

        public HelperProcess(string fileName, string[] arguments, IDictionary environment, string workingDirectory)
        {
            var info = new ProcessStartInfo(fileName)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                CreateNoWindow = true,
                StandardInputEncoding = new UTF8Encoding(false),
                StandardOutputEncoding = new UTF8Encoding(false),
                StandardErrorEncoding = new UTF8Encoding(false),
            };
            if (!string.IsNullOrEmpty(workingDirectory))
            {
                info.WorkingDirectory = workingDirectory;
            }
            foreach (string argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }
            if (environment != null)
            {
                foreach (DictionaryEntry entry in environment)
                {
                    string key = entry.Key.ToString();
                    if (entry.Value == null)
                    {
                        info.Environment.Remove(key);
                    }
                    else
                    {
                        info.Environment[key] = entry.Value.ToString();
                    }
                }
            }
            FileName = fileName;
            _process = new Process { StartInfo = info, EnableRaisingEvents = true };
            _process.ErrorDataReceived += (sender, e) =>
            {
                if (e.Data == null)
                {
                    return;
                }
                _stderr.Enqueue(e.Data);
                while (_stderr.Count > StderrLines && _stderr.TryDequeue(out _))
                {
                }
            };
            _process.Start();
            _process.StandardInput.AutoFlush = false;
            _process.BeginErrorReadLine();
            var reader = new Thread(ReadLoop) { IsBackground = true, Name = "MgBridge helper reader" };
            reader.Start();
        }

        public string FileName { get; }

        public int Id => _process.Id;

        public bool HasExited
        {
            get
            {
                try
                {
                    return _process.HasExited;
                }
                catch (InvalidOperationException)
                {
                    return true;
                }
            }
        }

        public int? ExitCode => HasExited ? _process.ExitCode : (int?)null;

        public string StderrTail => string.Join("\n", _stderr.ToArray());

        private void ReadLoop()
        {
            try
            {
                string line;
                var output = _process.StandardOutput;
                while ((line = output.ReadLine()) != null)
                {
                    long? id = PeekId(line);
                    if (id.HasValue && _waiting.TryGetValue(id.Value, out BlockingCollection<string> queue))
                    {
                        try
                        {
                            queue.Add(line);
                        }
                        catch (InvalidOperationException)
                        {
                            // Forgotten meanwhile: nobody waits for this answer any more.
                        }
                    }
                }
            }
            catch (Exception)
            {
                // The pipe broke: same as end of output.
            }
            finally
            {
                _ended = true;
                foreach (BlockingCollection<string> queue in _waiting.Values)
                {
                    queue.CompleteAdding();
                }
            }
        }

        /// <summary>The top-level "id" of a message line (a number), or null.</summary>
        /// <remarks>Reads tokens only up to the id, which the helper writes near the start.</remarks>
        private static long? PeekId(string line)
        {
            try
            {
                var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(line),
                    new JsonReaderOptions { MaxDepth = 256 });
                while (reader.Read())
                {
                    if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName &&
                        reader.ValueTextEquals("id"))
                    {
                        reader.Read();
                        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long id)
                            ? id : (long?)null;
                    }
                    if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            catch (JsonException)
            {
            }
            return null;
        }

        /// <summary>Route the lines carrying this request id to the caller (before sending it).</summary>
        public void Expect(long id)
        {
            var queue = new BlockingCollection<string>();
            _waiting[id] = queue;
            if (_ended)
            {
                queue.CompleteAdding();
            }
        }

        /// <summary>Stop routing lines for this id; a late line for it is dropped.</summary>
        public void Forget(long id)
        {
            if (_waiting.TryRemove(id, out BlockingCollection<string> queue))
            {
                queue.CompleteAdding();
            }
        }

        /// <summary>Write one message line; false when the helper is gone.</summary>
        /// <remarks>
        /// Failures are return values, not exceptions: PowerShell records an exception from a
        /// .NET call in the caller's -ErrorVariable even when a try/catch handles it.
        /// </remarks>
        public bool Send(string line)
        {
            lock (_writeLock)
            {
                try
                {
                    _process.StandardInput.Write(line);
                    _process.StandardInput.Write('\n');
                    _process.StandardInput.Flush();
                    return true;
                }
                catch (Exception e) when (e is IOException || e is InvalidOperationException || e is ObjectDisposedException)
                {
                    return false;
                }
            }
        }

        /// <summary>
        /// The next line for request id (an event or its answer), or null after timeoutMs, or
        /// at once when the helper's output has ended (see Ended).
        /// </summary>
        public string Receive(long id, int timeoutMs)
        {
            if (!_waiting.TryGetValue(id, out BlockingCollection<string> queue))
            {
                return null;
            }
            return queue.TryTake(out string line, timeoutMs) ? line : null;
        }

        /// <summary>True when a line for request id is waiting to be received.</summary>
        public bool HasLine(long id)
        {
            return _waiting.TryGetValue(id, out BlockingCollection<string> queue) && queue.Count > 0;
        }

        /// <summary>
        /// True once no line can come for request id any more: the helper's output ended and
        /// every line for the id was received (or the id is not expected).
        /// </summary>
        public bool Ended(long id)
        {
            return !_waiting.TryGetValue(id, out BlockingCollection<string> queue) || queue.IsCompleted;
        }

        /// <summary>Why the helper is gone, for the error message (waits briefly for its exit code).</summary>
        public string ExitDescription()
        {
            return Exited().Message;
        }

        private HelperExitedException Exited()
        {
            int? code = null;
            try
            {
                if (_process.WaitForExit(2000))
                {
                    code = _process.ExitCode;
                }
            }
            catch (Exception)
            {
            }
            return new HelperExitedException(
                $"The MgBridge Python helper (pid {SafeId()}) exited unexpectedly" +
                (code.HasValue ? $" with exit code {code}" : "") + ".") { ExitCode = code };
        }

        private string SafeId()
        {
            try
            {
                return _process.Id.ToString(CultureInfo.InvariantCulture);
            }
            catch (Exception)
            {
                return "?";
            }
        }

        /// <summary>Close stdin (the helper exits at end of input), then kill it if it lingers.</summary>
        public void Stop(int graceMs)
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (Exception)
            {
            }
            try
            {
                if (!_process.WaitForExit(graceMs))
                {
                    _process.Kill(true);
                }
            }
            catch (Exception)
            {
            }
        }

        public void Kill()
        {
            try
            {
                _process.Kill(true);
                _process.WaitForExit(5000);
            }
            catch (Exception)
            {
            }
        }

        public void Dispose()
        {
            Stop(1000);
            _process.Dispose();
        }
    }
}
