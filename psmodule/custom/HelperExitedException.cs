// Hand-written (Modifiable; see README.md): the subprocess transport's error for a helper that is gone.
namespace MgBridge
{
    using System;

    /// <summary>The helper process ended while a call waited for it.</summary>
    public class HelperExitedException : Exception
    {
        public HelperExitedException(string message) : base(message) { }
        public int? ExitCode { get; set; }
    }
}
