function Find-BridgeCertificate {
    <#
    .SYNOPSIS
        A certificate with a private key from the current user's 'My' store, by thumbprint or subject.
    .DESCRIPTION
        What Connect-MgGraph -CertificateThumbprint/-CertificateName look up first (as the
        SDK does). Returns nothing when the store has no match; the core then searches
        its own certificate folder.
    #>
    [CmdletBinding()]
    param([string]$Thumbprint, [string]$SubjectName)
    $store = [System.Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
    try {
        $store.Open('ReadOnly, OpenExistingOnly')
    } catch {
        return  # no store on this machine
    }
    try {
        $now = [datetime]::Now
        $found = foreach ($cert in $store.Certificates) {
            if (-not $cert.HasPrivateKey -or $cert.NotAfter -lt $now) { continue }
            if ($Thumbprint -and $cert.Thumbprint -eq ($Thumbprint -replace '[\s:]', '').ToUpperInvariant()) { $cert }
            elseif ($SubjectName -and ($cert.Subject -eq $SubjectName -or $cert.Subject -eq "CN=$SubjectName")) { $cert }
        }
        $found | Sort-Object NotAfter -Descending | Select-Object -First 1
    } finally { $store.Dispose() }
}
